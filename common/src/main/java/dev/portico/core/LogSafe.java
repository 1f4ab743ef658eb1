package dev.portico.core;

/**
 * Makes a value a client sent safe to put in a log line. Every log call that includes a
 * client-supplied value (a login name, a path, a command line, a MAIL FROM or RCPT TO address, a
 * shell verb) passes it through {@link #text}, so that a name such as {@code "x\n12:00 INFO
 * admin logged in"} cannot write a second, forged line, and a CR, NUL or terminal escape cannot
 * reach the log file or the administrator's terminal as it is.
 *
 * <p>Escaped: CR as {@code \r}, LF as {@code \n}, TAB as {@code \t}, every other C0 control, DEL and
 * every C1 control (NEL, U+0085, ends a line for some readers) as {@code \xNN}; the Unicode line and
 * paragraph separators and the bidirectional overrides and isolates (which can make a log line read
 * other than it is) as {@code \}{@code uNNNN}; and the backslash itself as {@code \\}, so an escaped
 * form can never be mistaken for one the client typed. Everything else, other languages included,
 * is kept. The result is bounded: a value longer than {@link #MAX_LENGTH} characters is cut and
 * says how much was left out, so one client cannot fill the log with one line.
 */
public final class LogSafe {

    /** The most characters of one value that reach the log. */
    public static final int MAX_LENGTH = 256;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogSafe() {}

    /** {@code value} escaped and bounded as the class comment says; {@code null} gives {@code "null"}. */
    public static String text(Object value) {
        return text(value, MAX_LENGTH);
    }

    /** {@code value} escaped, with at most {@code max} of its characters. */
    public static String text(Object value, int max) {
        String s = String.valueOf(value);
        int shown = Math.min(s.length(), Math.max(0, max));
        // A surrogate pair is not cut in half: the high half alone would be a malformed character.
        if (shown > 0 && shown < s.length() && Character.isHighSurrogate(s.charAt(shown - 1))) shown--;
        int i = 0;
        while (i < shown && plain(s.charAt(i))) i++;
        if (i == s.length()) return s;   // the common case: nothing to escape, nothing to cut
        StringBuilder b = new StringBuilder(shown + 16).append(s, 0, i);
        for (; i < shown; i++) {
            char c = s.charAt(i);
            if (plain(c)) {
                b.append(c);
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\\') {
                b.append("\\\\");
            } else if (c <= 0xff) {
                b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        if (shown < s.length()) b.append("...(").append(s.length() - shown).append(" more)");
        return b.toString();
    }

    private static boolean plain(char c) {
        if (c < 0x20 || c == '\\' || (c >= 0x7f && c <= 0x9f)) return false;
        if (c < 0x2028) return true;
        return !(c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
    }
}
