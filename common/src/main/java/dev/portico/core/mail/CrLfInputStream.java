package dev.portico.core.mail;

import dev.portico.core.ByteScan;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stored message as it is sent: a bare LF becomes CR LF and a last line without a line end
 * gets one, byte for byte what {@link MaildirMailStore.CrLfSize} counts, so the size announced
 * (RFC822.SIZE, POP3 LIST) and the octets sent agree for files other programs wrote with LF.
 */
final class CrLfInputStream extends FilterInputStream {

    private int prev = -1;
    /** A byte owed after the one just returned: LF after an inserted CR, or the end's CR LF. */
    private int pending = -1;
    private boolean endDone;

    CrLfInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        if (pending >= 0) {
            int c = pending;
            pending = -1;
            prev = c;
            return c;
        }
        int c = in.read();
        if (c < 0) {
            if (endDone || prev < 0 || prev == '\n') return -1;
            endDone = true;
            if (prev == '\r') {
                prev = '\n';
                return '\n';
            }
            pending = '\n';
            prev = '\r';
            return '\r';
        }
        if (c == '\n' && prev != '\r') {
            pending = '\n';
            prev = '\r';
            return '\r';
        }
        prev = c;
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        // Fill from a raw read, then expand in place from the end: at most half the room is read
        // so every LF can become CR LF without a second buffer.
        if (pending >= 0 || len < 2) {
            int c = read();
            if (c < 0) return -1;
            b[off] = (byte) c;
            return 1;
        }
        int raw = in.read(b, off, len / 2);
        if (raw < 0) {
            int c = read();
            if (c < 0) return -1;
            b[off] = (byte) c;
            int n = 1;
            if (pending >= 0 && len > 1) {
                b[off + 1] = (byte) read();
                n = 2;
            }
            return n;
        }
        int extra = ByteScan.bareLineFeeds(b, off, off + raw, prev);
        int w = off + raw + extra;
        int end = w;
        for (int i = raw - 1; i >= 0; i--) {
            byte c = b[off + i];
            int before = i > 0 ? b[off + i - 1] & 0xff : prev;
            b[--w] = c;
            if (c == '\n' && before != '\r') b[--w] = '\r';
        }
        if (raw > 0) prev = b[off + raw + extra - 1] & 0xff;
        return end - off;
    }

    @Override
    public long skip(long n) throws IOException {
        long done = 0;
        while (done < n && read() >= 0) done++;
        return done;
    }

    @Override
    public int available() {
        return pending >= 0 ? 1 : 0;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
