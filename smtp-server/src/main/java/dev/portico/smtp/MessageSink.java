package dev.portico.smtp;

import dev.portico.core.ByteScan;

import java.io.IOException;
import java.util.Locale;

/**
 * Receives message text (after dot-unstuffing, or a BDAT chunk) and checks it on the way to the
 * {@link MessageSpool}: bare CR or LF (refused or normalised to CR LF, RFC 5321 2.3.8), text line
 * length (RFC 5321 4.5.3.1.6), total size (RFC 1870), which of the RFC 5322 headers Date,
 * From and Message-ID the header section holds, how many {@code Received:} trace headers it has
 * (loop detection, RFC 5321 6.3), and whether it has any MIME header (RFC 2045). Once the message is known to be refused,
 * the rest is read and dropped without touching the disk.
 */
final class MessageSink {

    private static final int HEADER_NAME_MAX = 16;
    /** Runs shorter than this are gathered in {@link #out}; longer ones go to the spool directly. */
    private static final int SMALL_RUN = 64;

    private final MessageSpool spool;
    private final boolean normalize;
    private final int maxLine;          // octets of text before CR LF
    private final long maxSize;
    private final byte[] out = new byte[8192];
    private int outLen;
    private boolean pendingCr;
    private int lineLength;
    private long size;
    private boolean bareLineEnding, lineTooLong, tooBig;

    private boolean inHeaders = true;
    private long headerBytes;
    private final StringBuilder headerName = new StringBuilder(HEADER_NAME_MAX);
    private boolean collectingName = true;
    private boolean hasDate, hasFrom, hasMessageId, hasMimeHeaders;
    private int received;

    MessageSink(MessageSpool spool, boolean normalize, int maxTextLine, long maxSize) {
        this.spool = spool;
        this.normalize = normalize;
        this.maxLine = maxTextLine - 2;
        this.maxSize = maxSize;
    }

    void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (pendingCr) {
                accept(b[i++]);
                continue;
            }
            int j = ByteScan.lineEnd(b, i, end);
            if (j + 1 < end && b[j] == '\r' && b[j + 1] == '\n') {
                // The common case: the rest of a line and its CR LF, checked and passed on in one go.
                line(b, i, j);
                i = j + 2;
                continue;
            }
            if (inHeaders) {
                accept(b[i++]);
                continue;
            }
            // Body text without its line end here: copy the run up to the CR or LF in one go.
            if (j > i) {
                emitRun(b, i, j - i);
                lineLength += j - i;
                if (lineLength > maxLine) lineTooLong = true;
                i = j;
            }
            if (i < end) accept(b[i++]);
        }
        if (refused()) outLen = 0;
    }

    /**
     * Text {@code b[from, to)} with no CR or LF in it, followed by CR LF at {@code to}: what
     * {@link #accept} would do byte by byte, with one copy of the whole line.
     */
    private void line(byte[] b, int from, int to) throws IOException {
        int before = lineLength;
        if (inHeaders) {
            for (int k = from; k < to && collectingName; k++) {
                lineLength = before + (k - from) + 1;     // as accept counts before header() sees the byte
                header(b[k]);
            }
        }
        lineLength = before + (to - from);
        if (lineLength > maxLine) lineTooLong = true;
        emitRun(b, from, to - from + 2);
        lineEnded();
    }

    private void emitRun(byte[] b, int off, int len) throws IOException {
        size += len;
        if (size > maxSize) tooBig = true;
        if (refused()) return;
        if (len >= SMALL_RUN) {
            // A line or more goes to the spool from the caller's buffer (the connection's): one copy.
            if (outLen > 0) flushOut();
            spool.write(b, off, len);
            return;
        }
        while (len > 0) {
            if (outLen == out.length) flushOut();
            int k = Math.min(len, out.length - outLen);
            System.arraycopy(b, off, out, outLen, k);
            outLen += k;
            off += k;
            len -= k;
        }
    }

    private void accept(byte c) throws IOException {
        if (pendingCr) {
            pendingCr = false;
            if (c == '\n') {
                endLine();
                return;
            }
            bareCr();                        // a CR not followed by LF
        }
        if (c == '\r') {
            pendingCr = true;
        } else if (c == '\n') {
            bareLineEnding |= !normalize;
            endLine();                       // a bare LF: CR LF when normalising
        } else {
            emit(c);
            if (++lineLength > maxLine) lineTooLong = true;
            if (inHeaders) header(c);
        }
    }

    private void bareCr() throws IOException {
        bareLineEnding |= !normalize;
        endLine();
    }

    private void endLine() throws IOException {
        emit((byte) '\r');
        emit((byte) '\n');
        lineEnded();
    }

    /** After a line's CR LF went out, by either path: the header section's count, and a new line begins. */
    private void lineEnded() {
        if (inHeaders) {
            if (lineLength == 0) inHeaders = false;       // the empty line ends the header section
            else headerBytes += lineLength + 2;
        }
        lineLength = 0;
        headerName.setLength(0);
        collectingName = true;
    }

    private void header(byte c) {
        if (!collectingName) return;
        if (c == ':') {
            String name = headerName.toString().trim().toLowerCase(Locale.ROOT);
            hasDate |= name.equals("date");
            hasFrom |= name.equals("from");
            hasMessageId |= name.equals("message-id");
            if (name.equals("received")) received++;
            hasMimeHeaders |= name.equals("content-type") || name.equals("mime-version")
                    || name.equals("content-transfer-encoding");
            collectingName = false;
        } else if (headerName.length() >= HEADER_NAME_MAX || c == ' ' && lineLength == 1 || c == '\t') {
            collectingName = false;               // a continuation line or a long name: not one we look for
        } else {
            headerName.append((char) (c & 0xff));
        }
    }

    private void emit(byte c) throws IOException {
        if (++size > maxSize) tooBig = true;
        if (refused()) return;
        if (outLen == out.length) flushOut();
        out[outLen++] = c;
    }

    private void flushOut() throws IOException {
        spool.write(out, 0, outLen);
        outLen = 0;
    }

    /** Ends the text. A message whose last line lacks CR LF (only possible with BDAT) is left as sent. */
    void finish() throws IOException {
        if (pendingCr) {
            pendingCr = false;
            bareCr();
        }
        if (!refused()) flushOut();
        spool.finish();
    }

    boolean refused() {
        return bareLineEnding || lineTooLong || tooBig;
    }

    boolean bareLineEnding() { return bareLineEnding; }
    boolean lineTooLong() { return lineTooLong; }
    boolean tooBig() { return tooBig; }
    long size() { return size; }
    long headerBytes() { return headerBytes; }
    boolean hasDate() { return hasDate; }
    boolean hasFrom() { return hasFrom; }
    boolean hasMessageId() { return hasMessageId; }
    /** {@code Received:} header fields in the header section. */
    int receivedHeaders() { return received; }
    /** Whether the header section names Content-Type, MIME-Version or Content-Transfer-Encoding. */
    boolean hasMimeHeaders() { return hasMimeHeaders; }
}
