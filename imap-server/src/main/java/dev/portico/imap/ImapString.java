package dev.portico.imap;

import java.nio.charset.StandardCharsets;

/**
 * IMAP's string syntax on output (RFC 9051 4.3, 9): the one place that decides between atom,
 * quoted string, literal and NIL, so every reply quotes alike. Strings are written to the wire as
 * UTF-8; a literal's octet count is of that encoding.
 *
 * <p>Anything that is not printable US-ASCII goes out as a literal: IMAP4rev1 clients do not take
 * 8-bit text in quoted strings, and a literal is valid in both revisions (Dovecot does the same).
 */
public final class ImapString {

    private ImapString() {}

    /** {@code NIL} for null, else {@link #string}. */
    public static String nstring(String s) {
        return s == null ? "NIL" : string(s);
    }

    /** A quoted string when every character may be quoted, else a literal ({@code {n}CRLF...}). */
    public static String string(String s) {
        return appendString(new StringBuilder(s.length() + 2), s).toString();
    }

    /** An atom when {@code s} is one (and not {@code NIL}), else {@link #string}. */
    public static String astring(String s) {
        return isAtom(s) && !s.equalsIgnoreCase("NIL") ? s : string(s);
    }

    /** Appends {@link #nstring}. */
    public static StringBuilder appendNString(StringBuilder b, String s) {
        return s == null ? b.append("NIL") : appendString(b, s);
    }

    /** Appends {@link #string}. */
    public static StringBuilder appendString(StringBuilder b, String s) {
        if (!quotable(s)) {
            // a literal may hold any octet but NUL (RFC 9051 4.3)
            String text = s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
            return b.append(literalPrefix(text.getBytes(StandardCharsets.UTF_8).length, false)).append(text);
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"');
    }

    /** The head of a literal of {@code octets}: {@code {n}CRLF}, or {@code ~{n}CRLF} for BINARY's literal8 (RFC 3516). */
    public static String literalPrefix(long octets, boolean literal8) {
        return (literal8 ? "~{" : "{") + octets + "}\r\n";
    }

    /** Whether {@code s} can go in a quoted string: printable US-ASCII (and tab-free, as Dovecot sends it). */
    public static boolean quotable(String s) {
        if (s.length() > 1024) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) return false;
        }
        return true;
    }

    /** Whether {@code s} is an atom of ASTRING-CHARs (RFC 9051 9): non-empty, none of {@code ( ) { SP CTL % * " \}. */
    public static boolean isAtom(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "(){%*\"\\".indexOf(c) >= 0) return false;
        }
        return true;
    }
}
