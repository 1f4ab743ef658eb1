package dev.portico.imap;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageViewsTest {

    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void parsesAMessageOnceUntilItsFolderIsForgotten() throws IOException {
        MessageViews views = new MessageViews(1 << 20);
        AtomicInteger opened = new AtomicInteger();
        MessageViews.Source source = () -> {
            opened.incrementAndGet();
            return new ByteArrayInputStream(MESSAGE);
        };
        MessageView first = views.get("/m/alice/INBOX", 7, 1, MESSAGE.length, source);
        assertThat(views.get("/m/alice/INBOX", 7, 1, MESSAGE.length, source)).isSameAs(first);
        assertThat(opened).hasValue(1);
        views.get("/m/alice/INBOX", 8, 1, MESSAGE.length, source);    // a new UIDVALIDITY names another message
        views.get("/m/bob/INBOX", 7, 1, MESSAGE.length, source);
        assertThat(opened).hasValue(3);
        views.forget("/m/alice/INBOX");
        assertThat(views.size()).isEqualTo(1);
        views.get("/m/alice/INBOX", 7, 1, MESSAGE.length, source);
        assertThat(opened).hasValue(4);
        assertThat(first.headerContains("Subject", "HI")).isTrue();
    }

    @Test
    void holdsNoMoreThanItsBoundAndPassesReadErrorsOn() throws IOException {
        MessageViews views = new MessageViews(10 * (MESSAGE.length + 512));
        for (long uid = 1; uid <= 100; uid++) {
            views.get("f", 1, uid, MESSAGE.length, () -> new ByteArrayInputStream(MESSAGE));
        }
        assertThat(views.size()).isBetween(1L, 10L);
        assertThatThrownBy(() -> views.get("f", 1, 500, 10, () -> {
            throw new IOException("gone");
        })).isInstanceOf(IOException.class).hasMessage("gone");
    }

    @Test
    void envelopesComeFromTheHeaderAloneAndEqualTheWholeViews() throws IOException {
        MessageViews views = new MessageViews(1 << 20);
        long uid = 0;
        for (String name : List.of("simple", "mixed-attach", "rfc822", "encoded", "lf", "8bit", "weird", "headers-only",
                "noeol", "empty-header", "empty", "params", "long-header", "nested-rfc822")) {
            byte[] message = DovecotParityTest.message(name);
            assertThat(views.envelope("f", 1, ++uid, () -> new ByteArrayInputStream(message)))
                    .as(name).isEqualTo(MessageView.of(message).envelope());
        }
        byte[] big = ("Subject: big\r\nFrom: a@example.org\r\n\r\n" + "x".repeat(1 << 20)).getBytes(StandardCharsets.US_ASCII);
        AtomicInteger read = new AtomicInteger();
        String envelope = views.envelope("f", 1, 1000, () -> new ByteArrayInputStream(big) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                read.addAndGet(Math.max(0, n));
                return n;
            }
        });
        assertThat(envelope).contains("\"big\"");
        assertThat(read.get()).isLessThan(16 << 10);
        MessageView whole = views.get("f", 1, 1, 0, () -> new ByteArrayInputStream(DovecotParityTest.message("simple")));
        assertThat(views.envelope("f", 1, 1, () -> {
            throw new IOException("a cached view answers without opening the message");
        })).isEqualTo(whole.envelope());
    }
}
