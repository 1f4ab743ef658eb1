package dev.portico.core;

import java.util.List;

/**
 * A numbered reply of FTP or SMTP, one line or several.
 *
 * <p>{@link Style#EVERY_LINE} writes {@code 250-a}, {@code 250-b}, {@code 250 c} (SMTP, and valid
 * FTP). {@link Style#FIRST_AND_LAST} writes the middle lines verbatim ({@code 211-Features},
 * {@code  MDTM}, {@code 211 End}), which FTP FEAT (RFC 2389 §3.2) and STAT listings need.
 *
 * @param close whether the session ends once this reply is sent
 */
public record Reply(int code, List<String> lines, boolean close, Style style) {

    /** How the lines of a multi-line reply are marked. */
    public enum Style { EVERY_LINE, FIRST_AND_LAST }

    public Reply {
        if (code < 100 || code > 599) throw new IllegalArgumentException("reply code " + code);
        lines = List.copyOf(lines);
        if (lines.isEmpty()) throw new IllegalArgumentException("a reply needs at least one line");
    }

    public static Reply of(int code, String text) {
        return new Reply(code, List.of(text), false, Style.EVERY_LINE);
    }

    public static Reply of(int code, List<String> lines) {
        return new Reply(code, lines, false, Style.EVERY_LINE);
    }

    /** A reply whose middle lines are written as they are (FTP FEAT, STAT, HELP). */
    public static Reply verbatim(int code, List<String> lines) {
        return new Reply(code, lines, false, Style.FIRST_AND_LAST);
    }

    public Reply thenClose() {
        return new Reply(code, lines, true, style);
    }

    public boolean isPositive() {
        return code < 400;
    }

    /** The reply as it goes on the wire, CR LF after every line. */
    public String format() {
        StringBuilder b = new StringBuilder(16 * lines.size() + 32);
        int last = lines.size() - 1;
        for (int i = 0; i <= last; i++) {
            String line = lines.get(i);
            if (i == last) {
                b.append(code).append(' ').append(line);
            } else if (i == 0 || style == Style.EVERY_LINE) {
                b.append(code).append('-').append(line);
            } else if (startsWithCode(line)) {
                // RFC 959 §4.2: a middle line that starts with digits must be padded so it
                // cannot be taken for the last line.
                b.append(' ').append(line);
            } else {
                b.append(line);
            }
            b.append("\r\n");
        }
        return b.toString();
    }

    private static boolean startsWithCode(String line) {
        return line.length() >= 3 && Character.isDigit(line.charAt(0))
                && Character.isDigit(line.charAt(1)) && Character.isDigit(line.charAt(2));
    }

    @Override
    public String toString() {
        return format().stripTrailing();
    }
}
