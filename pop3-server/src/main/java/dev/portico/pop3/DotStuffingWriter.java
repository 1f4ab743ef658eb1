package dev.portico.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes POP3 responses (RFC 1939 §3): the status line, and for a multi-line response its body,
 * where every line that starts with {@code .} gets a second one and a line holding a single
 * {@code .} ends the response. One per session, reused for every response: a response is
 * gathered in one buffer and handed to the connection in one piece, so a message of 10 KiB goes
 * out as one socket write with its status line and terminator, not three. The buffer grows with
 * a response up to {@link #MAX} and a longer one streams through it in pieces of that size, so a
 * message of any size costs the same memory; between responses a session keeps at most
 * {@link #KEEP} of it (and a read buffer of the same size once it has sent a message).
 *
 * <p>Stored messages have CR LF lines and go out byte for byte (the client removes the stuffed
 * dots). A bare LF is sent as CR LF, so a message stored by another tool cannot end the response
 * early or confuse the client's line reading. The body is scanned for line ends and copied a line
 * at a time ({@link System#arraycopy}), not byte by byte.
 */
final class DotStuffingWriter {

    /** Where the bytes go: {@code LineConnection::writeBytes} in the server. */
    @FunctionalInterface
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    /** The largest the buffer grows: a longer response is handed over in pieces of this size. */
    static final int MAX = 64 * 1024;
    /** The most a session keeps between responses: a common message (10 KiB) in one piece. */
    static final int KEEP = 16 * 1024;
    /** What a session starts with: status lines and short listings. */
    private static final int FIRST = 512;

    private final Sink sink;
    private byte[] out = new byte[FIRST];
    private int n;
    private byte[] in;
    private boolean lineStart = true;
    private boolean previousCr;

    DotStuffingWriter(Sink sink) {
        this.sink = sink;
    }

    /** Queues a status line as it is (no stuffing: it starts with {@code +} or {@code -}), CR LF added. */
    void status(String text) throws IOException {
        text(text);
        put('\r');
        put('\n');
        lineStart = true;
        previousCr = false;
    }

    /** Queues one generated text line (no CR or LF inside), stuffed, CR LF added. */
    void line(String text) throws IOException {
        if (!text.isEmpty() && text.charAt(0) == '.') put('.');
        text(text);
        put('\r');
        put('\n');
        lineStart = true;
        previousCr = false;
    }

    private void text(String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        run(b, 0, b.length);
    }

    /**
     * Copies a message. With {@code maxBodyLines >= 0} (TOP, RFC 1939 §7) copies the header, the
     * empty line after it, and at most that many lines of the body.
     *
     * @param sizeHint the message's size if known (0 if not): the buffer grows to hold it whole,
     *                 up to {@link #MAX}, so that it goes out in one write
     */
    void copy(InputStream source, long maxBodyLines, long sizeHint) throws IOException {
        if (in == null) in = new byte[KEEP];
        if (sizeHint > 0) room((int) Math.min(MAX, sizeHint + sizeHint / 16 + 64));
        boolean top = maxBodyLines >= 0;
        boolean inHeader = true;
        boolean lineText = false;       // whether the current line has anything but CR (header lines only)
        long bodyLines = 0;
        byte[] buf = in;
        for (int r; (r = source.read(buf, 0, buf.length)) > 0; ) {
            int i = 0;
            while (i < r) {
                if (lineStart) {
                    if (top && !inHeader && bodyLines >= maxBodyLines) return;
                    if (buf[i] == '.') put('.');
                    lineStart = false;
                    lineText = false;
                }
                int lf = i;
                while (lf < r && buf[lf] != '\n') lf++;
                if (top && inHeader && !lineText) lineText = hasText(buf, i, lf);
                if (lf == r) {
                    // the line goes on in the next read
                    run(buf, i, r - i);
                    previousCr = buf[r - 1] == '\r';
                    break;
                }
                run(buf, i, lf - i);
                boolean cr = lf > i ? buf[lf - 1] == '\r' : previousCr;
                if (!cr) put('\r');
                put('\n');
                if (top) {
                    if (!inHeader) bodyLines++;
                    else if (!lineText) inHeader = false;
                }
                lineStart = true;
                previousCr = false;
                i = lf + 1;
            }
        }
    }

    /** Copies a message whole (RETR). */
    void copy(InputStream source, long maxBodyLines) throws IOException {
        copy(source, maxBodyLines, 0);
    }

    private static boolean hasText(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != '\r') return true;
        return false;
    }

    /** Ends the last line if the data did not, writes the terminating {@code .} line, hands everything over. */
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

    /** Ends a response: hands what is queued to the sink, and lets go of a buffer grown past {@link #KEEP}. */
    void drain() throws IOException {
        hand();
        if (out.length > KEEP) out = new byte[KEEP];
    }

    private void hand() throws IOException {
        if (n > 0) sink.write(out, 0, n);
        n = 0;
    }

    private void put(int b) throws IOException {
        if (n == out.length) room(1);
        out[n++] = (byte) b;
    }

    private void run(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            room(len);
            int k = Math.min(len, out.length - n);
            System.arraycopy(b, off, out, n, k);
            n += k;
            off += k;
            len -= k;
        }
    }

    /** Makes room for {@code want} more bytes where it can: grows the buffer up to {@link #MAX}, else hands it over. */
    private void room(int want) throws IOException {
        if (out.length - n >= want) return;
        if (out.length < MAX) {
            int size = out.length;
            while (size - n < want && size < MAX) size *= 2;
            out = Arrays.copyOf(out, Math.min(size, MAX));
            if (out.length - n >= want) return;
        }
        if (n > 0 && out.length - n < Math.min(want, 1024)) hand();
    }
}
