package dev.portico.smtp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the message checker ({@link MessageSink}) against a reference that does the same job
 * line by line: line endings (CR LF kept; a bare CR or LF refused, or made CR LF when
 * normalising, RFC 5321 §2.3.8), the text line limit (§4.5.3.1.6), the size limit (RFC 1870), the
 * header section (up to the first empty line) and whether it holds Date, From and Message-ID.
 * Properties: the flags and counts equal the reference's; an accepted message is spooled exactly
 * as the reference writes it, whatever the write sizes; a refused one leaves nothing but what was
 * spooled before the refusal was known (never more than the limits); the only exception is none.
 */
class MessageSinkFuzzTest {

    private static final Path SPOOL_DIR = tempDir();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sink-fuzz");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest
    void messageTextIsCheckedAsTheReferenceChecksIt(FuzzedDataProvider data) throws IOException {
        boolean normalize = data.consumeBoolean();
        int maxTextLine = data.consumeInt(3, 120);
        long maxSize = data.consumeLong(0, 600);
        int memory = data.consumeInt(0, 64);
        int writeSize = data.consumeInt(1, 50);
        byte[] text = data.consumeRemainingAsBytes();

        Reference ref = Reference.of(text, normalize, maxTextLine - 2, maxSize);
        try (MessageSpool spool = new MessageSpool(SPOOL_DIR, memory)) {
            MessageSink sink = new MessageSink(spool, normalize, maxTextLine, maxSize);
            for (int off = 0; off < text.length; off += writeSize) sink.write(text, off, Math.min(writeSize, text.length - off));
            sink.finish();

            assertThat(sink.bareLineEnding()).as("bare line ending").isEqualTo(ref.bare);
            assertThat(sink.lineTooLong()).as("line too long").isEqualTo(ref.tooLong);
            assertThat(sink.tooBig()).as("too big").isEqualTo(ref.size > maxSize);
            assertThat(sink.size()).as("size").isEqualTo(ref.size);
            assertThat(sink.headerBytes()).as("header bytes").isEqualTo(ref.headerBytes);
            assertThat(sink.hasDate()).as("Date").isEqualTo(ref.date);
            assertThat(sink.hasFrom()).as("From").isEqualTo(ref.from);
            assertThat(sink.hasMessageId()).as("Message-ID").isEqualTo(ref.messageId);
            if (!sink.refused()) {
                try (InputStream in = spool.open()) {
                    assertThat(in.readAllBytes()).isEqualTo(ref.out.toByteArray());
                }
            } else {
                assertThat(spool.size()).isLessThanOrEqualTo(Math.min(ref.size, maxSize + 8192));
            }
        }
    }

    /** The same checks, one line at a time. */
    static final class Reference {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean bare, tooLong, date, from, messageId;
        long size, headerBytes;

        static Reference of(byte[] text, boolean normalize, int maxLine, long maxSize) {
            Reference r = new Reference();
            boolean inHeaders = true;
            int start = 0;
            while (start < text.length) {
                int end = start;
                while (end < text.length && text[end] != '\r' && text[end] != '\n') end++;
                int lineLength = end - start;
                int ending;     // octets of the line ending on the wire
                if (end == text.length) {
                    ending = 0;
                } else if (text[end] == '\r' && end + 1 < text.length && text[end + 1] == '\n') {
                    ending = 2;
                } else {
                    ending = 1;
                    r.bare |= !normalize;
                }
                r.out.write(text, start, lineLength);
                if (lineLength > maxLine) r.tooLong = true;
                if (inHeaders) r.header(text, start, lineLength);
                if (ending > 0 || end < text.length) {
                    r.out.write('\r');
                    r.out.write('\n');
                    if (inHeaders) {
                        if (lineLength == 0) inHeaders = false;
                        else r.headerBytes += lineLength + 2;
                    }
                }
                start = end + ending;
            }
            r.size = r.out.size();
            return r;
        }

        private void header(byte[] text, int start, int length) {
            if (length == 0 || text[start] == ' ' || text[start] == '\t') return;   // continuation
            int colon = -1;
            for (int i = start; i < start + length && i <= start + 16; i++) {
                if (text[i] == ':') {
                    colon = i;
                    break;
                }
                if (text[i] == '\t') return;
            }
            if (colon < 0) return;
            StringBuilder name = new StringBuilder();
            for (int i = start; i < colon; i++) name.append((char) (text[i] & 0xff));
            String n = name.toString().trim().toLowerCase(Locale.ROOT);
            date |= n.equals("date");
            from |= n.equals("from");
            messageId |= n.equals("message-id");
        }
    }
}
