package dev.portico.smtp;

import dev.portico.core.LineConnection;

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
 * consumed: it belongs to the next pipelined command. So a connection's stream is read a line at a
 * time ({@link LineConnection.DataStream#readThrough}: the marker ends with LF), any other one
 * byte at a time.
 */
final class SmtpDataStream extends InputStream {

    private enum State { LINE_START, DOT, DOT_CR, TEXT }

    private final InputStream raw;
    private final LineConnection.DataStream lines;   // raw, when it can be read a line at a time
    private final byte[] chunk;
    private int chunkPos, chunkLen;
    private State state = State.LINE_START;
    private boolean previousCr;
    private boolean ended;
    private int pending = -1;     // a byte held back when one raw byte decodes to two

    SmtpDataStream(InputStream raw) {
        this.raw = raw;
        this.lines = raw instanceof LineConnection.DataStream d ? d : null;
        this.chunk = new byte[lines != null ? 2048 : 1];     // a line, mostly; longer ones come in pieces
    }

    /** The next raw byte, or -1 at the end of the connection. */
    private int next() throws IOException {
        if (chunkPos == chunkLen) {
            int n = lines != null ? lines.readThrough(chunk, 0, chunk.length, (byte) '\n') : raw.read(chunk, 0, 1);
            if (n <= 0) return -1;
            chunkPos = 0;
            chunkLen = n;
        }
        return chunk[chunkPos++] & 0xff;
    }

    /** Whether the end marker has been read. */
    boolean ended() {
        return ended;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (ended) return -1;
        int n = 0;
        if (pending >= 0) {
            b[off + n++] = (byte) pending;
            pending = -1;
        }
        while (n < len) {
            if (state == State.TEXT && !previousCr && chunkPos < chunkLen) {
                // Inside a line: the run up to the next CR or LF holds nothing to decode.
                int end = chunkPos + Math.min(len - n, chunkLen - chunkPos);
                int i = chunkPos;
                while (i < end && chunk[i] != '\r' && chunk[i] != '\n') i++;
                System.arraycopy(chunk, chunkPos, b, off + n, i - chunkPos);
                n += i - chunkPos;
                chunkPos = i;
                if (n == len || n > 0 && chunkPos == chunkLen && raw.available() == 0) break;
            }
            int c = next();
            if (c < 0) throw new EOFException("connection closed inside DATA");
            switch (state) {
                case LINE_START -> {
                    if (c == '.') {
                        state = State.DOT;
                        continue;
                    }
                    n = text(b, off, n, c);
                }
                case DOT -> {
                    if (c == '\r') {
                        state = State.DOT_CR;
                        continue;
                    }
                    n = text(b, off, n, c);     // "..x" -> ".x", ".x" -> "x": the dot is dropped
                }
                case DOT_CR -> {
                    if (c == '\n') {
                        ended = true;
                        return n == 0 ? -1 : n;
                    }
                    // "." CR x: not the end; the CR was text after a transparency dot.
                    state = State.TEXT;
                    previousCr = true;
                    b[off + n++] = '\r';
                    if (n < len) {
                        n = text(b, off, n, c);
                    } else {
                        pending = c;
                        previousCr = c == '\r';
                        if (c == '\n') state = State.LINE_START;
                    }
                }
                case TEXT -> n = text(b, off, n, c);
            }
            if (n > 0 && chunkPos == chunkLen && raw.available() == 0) break;   // hand over what we have instead of blocking
        }
        return n;
    }

    private int text(byte[] b, int off, int n, int c) {
        b[off + n] = (byte) c;
        state = c == '\n' && previousCr ? State.LINE_START : State.TEXT;
        previousCr = c == '\r';
        return n + 1;
    }
}
