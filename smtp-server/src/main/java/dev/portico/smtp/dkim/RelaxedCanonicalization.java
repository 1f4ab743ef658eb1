package dev.portico.smtp.dkim;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The "relaxed" canonicalization of RFC 6376 3.4.2 (header fields) and 3.4.4 (body). Bytes are
 * taken as they are: a header is handled as ISO-8859-1 text, so 8-bit (SMTPUTF8) octets pass
 * through unchanged. A line ends with CRLF or with a bare LF, both read as CRLF: SMTP sends a bare
 * LF as CRLF (RFC 5321 2.3.8), so that is what the verifier sees. A bare CR is a character.
 */
final class RelaxedCanonicalization {

    private static final byte CR = '\r', LF = '\n', SP = ' ', HTAB = '\t';

    private RelaxedCanonicalization() {}

    /**
     * One header field as it is hashed: the name in lower case, no white space around the colon,
     * the value unfolded, each run of white space one space, none at either end, then CRLF.
     *
     * @param field the whole field, {@code Name: value} with its continuation lines, with or
     *              without its final line ending; must contain a colon
     */
    static String header(String field) {
        int colon = field.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("a header field without a colon");
        StringBuilder out = new StringBuilder(field.length() + 2);
        out.append(stripTrailingWsp(field.substring(0, colon)).toLowerCase(java.util.Locale.ROOT)).append(':');
        boolean space = false;
        boolean started = false;
        for (int i = colon + 1; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\r' || c == '\n') continue;   // unfolding: the CRLF goes, the white space after it stays
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (space && started) out.append(' ');
            space = false;
            started = true;
            out.append(c);
        }
        return out.append("\r\n").toString();
    }

    private static String stripTrailingWsp(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) end--;
        return s.substring(0, end);
    }

    /** {@link #header} of bytes read as ISO-8859-1, as bytes again. */
    static byte[] header(byte[] field) {
        return header(new String(field, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The body canonicalizer, fed the body's bytes in any slices and writing the canonical form to
     * {@code out} (a digest) as it goes: white space at line ends dropped, other runs of white
     * space one space, empty lines at the end dropped, a last line without CRLF given one, and an
     * empty body (or one of empty lines only) empty. Holds only a count of the empty lines not yet
     * known to be trailing; not thread-safe.
     */
    static final class Body {
        private final OutputStream out;
        private final byte[] buffer = new byte[8192];
        private int buffered;
        /** Empty lines seen since the last line with content: written only if content follows. */
        private long emptyLines;
        private boolean lineHasContent;
        private boolean pendingSpace;
        private boolean pendingCr;

        Body(OutputStream out) {
            this.out = out;
        }

        void update(byte[] bytes, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                byte b = bytes[i];
                if (pendingCr) {
                    pendingCr = false;
                    if (b == LF) {
                        endLine();
                        continue;
                    }
                    content(CR);
                }
                switch (b) {
                    case CR -> pendingCr = true;
                    case LF -> endLine();
                    case SP, HTAB -> pendingSpace = true;
                    default -> content(b);
                }
            }
        }

        /** Ends the body; the canonical form is complete in {@code out} afterwards. */
        void finish() throws IOException {
            if (pendingCr) {
                pendingCr = false;
                content(CR);
            }
            if (lineHasContent) endLine();
            // trailing empty lines and white space are dropped: nothing else to write
            flushBuffer();
        }

        private void content(byte b) throws IOException {
            if (!lineHasContent) {
                for (; emptyLines > 0; emptyLines--) {
                    put(CR);
                    put(LF);
                }
                lineHasContent = true;
            }
            if (pendingSpace) {
                put(SP);
                pendingSpace = false;
            }
            put(b);
        }

        private void endLine() throws IOException {
            pendingSpace = false;
            if (lineHasContent) {
                put(CR);
                put(LF);
                lineHasContent = false;
            } else {
                emptyLines++;
            }
        }

        private void put(byte b) throws IOException {
            if (buffered == buffer.length) flushBuffer();
            buffer[buffered++] = b;
        }

        private void flushBuffer() throws IOException {
            out.write(buffer, 0, buffered);
            buffered = 0;
        }
    }
}
