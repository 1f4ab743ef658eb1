package dev.portico.smtp;

import dev.portico.core.ByteScan;
import dev.portico.core.LineConnection;
import dev.portico.core.MinDataRate;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The message text of a DATA command (RFC 5321 4.1.1.4, 4.5.2): reads the raw connection up to
 * the end marker and returns the text with the transparency dots removed.
 *
 * <p>Only the exact sequence CR LF "." CR LF ends the text, where the first CR LF is a real line
 * end (or the start of the text). A line starts only after CR LF, never after a bare LF or a bare
 * CR, so the SMTP smuggling sequences {@code <LF>.<CR><LF>}, {@code <LF>.<LF>},
 * {@code <CR>.<CR>} and {@code <CR><LF>.<LF>} are text, never an end. Bare CR and LF pass through
 * unchanged for the caller to refuse or normalise. Not a byte after the end marker may be
 * consumed: it belongs to the next pipelined command.
 *
 * <p>{@link #transferTo(Text, MinDataRate.Meter)} is the fast way: on a connection's
 * {@link LineConnection.DataStream} it decodes in the connection's own read buffer
 * ({@link LineConnection.DataStream#scan}) and hands each run of text, a line or more, to its
 * receiver straight from there, stopping right after the marker. Any other stream is read one byte
 * at a time, since nothing else can be told to stop at the marker. The {@code InputStream} methods
 * decode the same way through a buffer of their own.
 */
final class SmtpDataStream extends InputStream {

    /** Where decoded text goes. */
    interface Text {
        void write(byte[] b, int off, int len) throws IOException;
    }

    private enum State { LINE_START, DOT, DOT_CR, TEXT }

    private static final byte[] CR = {'\r'};
    /** Raw octets decoded per call of the InputStream methods (at most one more comes out). */
    private static final int READ_CHUNK = 2048;

    private final InputStream raw;
    private final LineConnection.DataStream lines;   // raw, when its buffer can be scanned in place
    private final byte[] one = new byte[1];
    private State state = State.LINE_START;
    private boolean previousCr;
    private boolean ended;

    // Decoded text the InputStream methods hold for their caller.
    private byte[] held;
    private int heldPos, heldLen;

    SmtpDataStream(InputStream raw) {
        this.raw = raw;
        this.lines = raw instanceof LineConnection.DataStream d ? d : null;
    }

    /** Whether the end marker has been read. */
    boolean ended() {
        return ended;
    }

    /**
     * Decodes the rest of the text into {@code out}, through the end marker.
     *
     * @param rate counts the raw octets read (null: none); too slow is its SocketTimeoutException
     * @throws EOFException when the connection closes before the marker
     */
    void transferTo(Text out, MinDataRate.Meter rate) throws IOException {
        while (!ended) {
            int n = lines != null ? lines.scan((b, off, len) -> decode(b, off, len, out)) : readOne(out);
            if (n < 0) throw new EOFException("connection closed inside DATA");
            if (rate != null) rate.count(n);
        }
    }

    /** One raw byte of a stream that cannot be scanned in place, decoded; -1 at its end. */
    private int readOne(Text out) throws IOException {
        int n = raw.read(one, 0, 1);
        if (n <= 0) return -1;
        return decode(one, 0, 1, out);
    }

    /**
     * Decodes raw octets {@code b[off, off + len)} into {@code out} and returns how many it
     * consumed: all of them, or fewer when the end marker came first (then through its LF).
     * Package-private for the fuzz test, which splits the wire at random places.
     */
    int decode(byte[] b, int off, int len, Text out) throws IOException {
        int end = off + len;
        int i = off;
        while (i < end && !ended) {
            switch (state) {
                case LINE_START -> {
                    if (b[i] == '.') {
                        state = State.DOT;
                        i++;
                    } else {
                        state = State.TEXT;
                    }
                }
                case DOT -> {
                    if (b[i] == '\r') {
                        state = State.DOT_CR;
                        i++;
                    } else {
                        state = State.TEXT;      // "..x" -> ".x", ".x" -> "x": the dot is dropped
                    }
                }
                case DOT_CR -> {
                    if (b[i] == '\n') {
                        ended = true;
                        i++;
                    } else {
                        // "." CR x: not the end; the CR was text after a transparency dot, x is read as text next.
                        out.write(CR, 0, 1);
                        previousCr = true;
                        state = State.TEXT;
                    }
                }
                case TEXT -> {
                    // The run through the next LF holds nothing to decode; only that LF can start a line.
                    int lf = ByteScan.indexOf(b, i, end, (byte) '\n');
                    int stop = lf < 0 ? end : lf + 1;
                    out.write(b, i, stop - i);
                    if (lf >= 0) {
                        boolean crLf = lf > i ? b[lf - 1] == '\r' : previousCr;
                        state = crLf ? State.LINE_START : State.TEXT;
                        previousCr = false;
                    } else {
                        previousCr = b[stop - 1] == '\r';
                    }
                    i = stop;
                }
            }
        }
        return i - off;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (heldPos == heldLen) {
            if (ended) return -1;
            if (held == null) held = new byte[READ_CHUNK + 1];
            heldPos = heldLen = 0;
            Text keep = (t, o, l) -> {
                System.arraycopy(t, o, held, heldLen, l);
                heldLen += l;
            };
            int n = lines != null ? lines.scan((t, o, l) -> decode(t, o, Math.min(l, READ_CHUNK), keep)) : readOne(keep);
            if (n < 0) throw new EOFException("connection closed inside DATA");
        }
        int k = Math.min(len, heldLen - heldPos);
        System.arraycopy(held, heldPos, b, off, k);
        heldPos += k;
        return k;
    }

    @Override
    public int available() {
        return heldLen - heldPos;
    }
}
