package dev.portico.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the body of a POP3 multi-line response (RFC 1939 §3): every line that starts with
 * {@code .} gets a second one, and a line holding a single {@code .} ends the response. Streams
 * through a fixed buffer, so a message of any size costs the same memory.
 *
 * <p>Stored messages have CR LF lines and go out byte for byte (the client removes the stuffed
 * dots). A bare LF is sent as CR LF, so a message stored by another tool cannot end the response
 * early or confuse the client's line reading.
 */
final class DotStuffingWriter {

    /** Where the bytes go: {@code LineConnection::writeBytes} in the server. */
    @FunctionalInterface
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    private static final int CHUNK = 16 * 1024;

    private final Sink sink;
    private final byte[] out = new byte[CHUNK + 2];
    private int n;
    private boolean lineStart = true;
    private boolean previousCr;

    DotStuffingWriter(Sink sink) {
        this.sink = sink;
    }

    /** Writes one generated text line (no CR or LF inside), stuffed, CR LF added. */
    void line(String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0 && b[0] == '.') put('.');
        for (byte x : b) put(x);
        put('\r');
        put('\n');
        lineStart = true;
        previousCr = false;
    }

    /**
     * Copies a message. With {@code maxBodyLines >= 0} (TOP, RFC 1939 §7) copies the header, the
     * empty line after it, and at most that many lines of the body.
     */
    void copy(InputStream in, long maxBodyLines) throws IOException {
        byte[] buf = new byte[CHUNK];
        boolean inHeader = true;
        long bodyLines = 0;
        int lineLength = 0;
        for (int r; (r = in.read(buf)) > 0; ) {
            for (int i = 0; i < r; i++) {
                int b = buf[i];
                if (lineStart) {
                    if (maxBodyLines >= 0 && !inHeader && bodyLines >= maxBodyLines) return;
                    if (b == '.') put('.');
                }
                if (b == '\n') {
                    if (!previousCr) put('\r');
                    put('\n');
                    if (inHeader) {
                        if (lineLength == 0) inHeader = false;
                    } else {
                        bodyLines++;
                    }
                    lineStart = true;
                    previousCr = false;
                    lineLength = 0;
                    continue;
                }
                put(b);
                lineStart = false;
                previousCr = b == '\r';
                if (!previousCr) lineLength++;
            }
        }
    }

    /** Ends the last line if the data did not, writes the terminating {@code .} line, hands over the buffer. */
    void finish() throws IOException {
        if (!lineStart) {
            if (!previousCr) put('\r');
            put('\n');
        }
        put('.');
        put('\r');
        put('\n');
        lineStart = true;
        previousCr = false;
        drain();
    }

    private void put(int b) throws IOException {
        out[n++] = (byte) b;
        if (n >= CHUNK) drain();
    }

    private void drain() throws IOException {
        if (n > 0) sink.write(out, 0, n);
        n = 0;
    }
}
