package dev.portico.imap;

import java.nio.charset.StandardCharsets;

/**
 * Reads IMAP data as a test needs to: one value (atom, NIL, quoted string, literal, parenthesised
 * list) at a time, and a canonical form in which a string is written one way whether it was sent
 * quoted or as a literal, so two servers' answers compare by content, not by quoting choices.
 */
final class ImapSyntax {

    private final byte[] b;
    private int i;

    ImapSyntax(byte[] b, int from) {
        this.b = b;
        this.i = from;
    }

    int position() {
        return i;
    }

    /** The canonical form of a whole value; fails when {@code data} is not exactly one well-formed value. */
    static String canonical(byte[] data) {
        ImapSyntax s = new ImapSyntax(data, 0);
        StringBuilder out = new StringBuilder();
        s.value(out);
        if (s.i != data.length) throw new IllegalArgumentException("trailing data at " + s.i + ": " + new String(data, StandardCharsets.UTF_8));
        return out.toString();
    }

    static String canonical(String data) {
        return canonical(data.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads one value, appending its canonical form. */
    void value(StringBuilder out) {
        if (i >= b.length) throw new IllegalArgumentException("value expected at end");
        byte c = b[i];
        if (c == '(') {
            i++;
            out.append('(');
            boolean first = true;
            while (true) {
                if (i >= b.length) throw new IllegalArgumentException("unclosed list");
                if (b[i] == ')') {
                    i++;
                    out.append(')');
                    return;
                }
                if (!first && b[i] == ' ') {
                    i++;
                    out.append(' ');
                } else if (!first && b[i - 1] != ')') {
                    throw new IllegalArgumentException("space expected at " + i);
                }
                first = false;
                value(out);
            }
        } else if (c == '"') {
            out.append(quote(quoted()));
        } else if (c == '{' || c == '~') {
            out.append(quote(new String(literal(), StandardCharsets.UTF_8)));
        } else {
            int start = i;
            while (i < b.length && b[i] > ' ' && b[i] != '(' && b[i] != ')' && b[i] != '"' && b[i] != '{') i++;
            if (i == start) throw new IllegalArgumentException("unexpected byte " + c + " at " + i);
            out.append(new String(b, start, i - start, StandardCharsets.US_ASCII));
        }
    }

    /** The bytes of a string value (quoted or literal); null for NIL. */
    byte[] string() {
        if (b[i] == '"') return quoted().getBytes(StandardCharsets.UTF_8);
        if (b[i] == '{' || b[i] == '~') return literal();
        if (b[i] == 'N' && b[i + 1] == 'I' && b[i + 2] == 'L') {
            i += 3;
            return null;
        }
        throw new IllegalArgumentException("string expected at " + i);
    }

    private String quoted() {
        i++;
        StringBuilder s = new StringBuilder();
        int start = i;
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        while (true) {
            if (i >= b.length) throw new IllegalArgumentException("unterminated quoted string from " + start);
            byte c = b[i++];
            if (c == '"') break;
            if (c == '\r' || c == '\n') throw new IllegalArgumentException("line end in quoted string at " + i);
            if (c == '\\') c = b[i++];
            raw.write(c);
        }
        return s.append(raw.toString(StandardCharsets.UTF_8)).toString();
    }

    private byte[] literal() {
        if (b[i] == '~') i++;
        int close = i + 1;
        while (b[close] != '}') close++;
        int n = Integer.parseInt(new String(b, i + 1, close - i - 1, StandardCharsets.US_ASCII));
        if (b[close + 1] != '\r' || b[close + 2] != '\n') throw new IllegalArgumentException("literal without CRLF");
        int from = close + 3;
        if (from + n > b.length) throw new IllegalArgumentException("literal past the end");
        byte[] out = java.util.Arrays.copyOfRange(b, from, from + n);
        i = from + n;
        return out;
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
