package dev.portico.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Line-ending policy, line and size limits and header detection of the message sink, without sockets. */
class MessageSinkTest {

    @TempDir
    Path dir;

    private record Result(MessageSink sink, String stored) {}

    private Result feed(String text, boolean normalize, int maxLine, long maxSize, int chunk) throws IOException {
        try (MessageSpool spool = new MessageSpool(dir, 16)) {
            MessageSink sink = new MessageSink(spool, normalize, maxLine, maxSize);
            byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < b.length; i += chunk) sink.write(b, i, Math.min(chunk, b.length - i));
            sink.finish();
            try (InputStream in = spool.open()) {
                return new Result(sink, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void crLfTextPassesUnchangedInAnyChunking() throws IOException {
        String text = "From: a\r\nDate: x\r\nMessage-ID: <1@x>\r\n\r\nbody line\r\n\r\nlast\r\n";
        for (int chunk : new int[]{1, 2, 3, 7, 1000}) {
            Result r = feed(text, false, 1000, 1 << 20, chunk);
            assertThat(r.stored()).isEqualTo(text);
            assertThat(r.sink().refused()).isFalse();
            assertThat(r.sink().hasFrom()).isTrue();
            assertThat(r.sink().hasDate()).isTrue();
            assertThat(r.sink().hasMessageId()).isTrue();
        }
    }

    @Test
    void headersAreOnlyLookedForInTheHeaderSection() throws IOException {
        Result r = feed("Subject: x\r\n from: folded\r\n\r\nFrom: in the body\r\nDate: too\r\n", false, 1000, 1 << 20, 5);
        assertThat(r.sink().hasFrom()).isFalse();
        assertThat(r.sink().hasDate()).isFalse();
    }

    @Test
    void bareCrAndBareLfAreFlaggedOrNormalised() throws IOException {
        for (String bad : new String[]{"a\nb\r\n", "a\rb\r\n", "a\r\r\n", "a\r\nb\r"}) {
            for (int chunk : new int[]{1, 100}) {
                assertThat(feed(bad, false, 1000, 1 << 20, chunk).sink().bareLineEnding()).as(bad).isTrue();
                Result n = feed(bad, true, 1000, 1 << 20, chunk);
                assertThat(n.sink().refused()).isFalse();
                assertThat(n.stored()).doesNotContainPattern("\r(?!\n)|(?<!\r)\n");
            }
        }
        assertThat(feed("a\nb\r.\r\n", true, 1000, 1 << 20, 3).stored()).isEqualTo("a\r\nb\r\n.\r\n");
    }

    @Test
    void lineLimitCountsTheCrLf() throws IOException {
        String ok = "\r\n" + "x".repeat(98) + "\r\n";
        String tooLong = "\r\n" + "x".repeat(99) + "\r\n";
        for (int chunk : new int[]{1, 10, 1000}) {
            assertThat(feed(ok, false, 100, 1 << 20, chunk).sink().lineTooLong()).isFalse();
            assertThat(feed(tooLong, false, 100, 1 << 20, chunk).sink().lineTooLong()).isTrue();
        }
    }

    @Test
    void sizeLimitStopsStoring() throws IOException {
        Result r = feed("\r\n" + "y".repeat(500) + "\r\n", false, 1000, 100, 50);
        assertThat(r.sink().tooBig()).isTrue();
        assertThat(r.sink().size()).isEqualTo(504);
        assertThat(r.stored().length()).isLessThanOrEqualTo(100);
    }
}
