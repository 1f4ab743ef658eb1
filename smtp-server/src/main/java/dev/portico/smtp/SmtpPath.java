package dev.portico.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The argument of MAIL and RCPT parsed by the RFC 5321 4.1.2 grammar: {@code FROM:} or
 * {@code TO:}, a path in angle brackets (the null path {@code <>}, a source route
 * {@code <@a,@b:x@y>} which 4.1.1.3 says to accept and ignore, a dot-string or quoted-string local
 * part, a domain or address literal), then ESMTP parameters {@code KEY[=VALUE]}.
 * Non-ASCII addresses (RFC 6531) parse, and are flagged so the caller can require SMTPUTF8.
 *
 * @param address    the mailbox without brackets or source route; empty for {@code <>};
 *                   {@code Postmaster} alone for the special RCPT form of 4.5.1
 * @param nonAscii   whether the address holds UTF-8 beyond ASCII
 * @param parameters keywords upper-cased, each to its value or null
 * @param sourceRoute whether the path had a source route (dropped from {@code address}; RCPT refuses it)
 */
record SmtpPath(String address, boolean nonAscii, Map<String, String> parameters, boolean sourceRoute) {

    /** Which part of the argument is wrong, so the caller picks the reply. */
    enum Problem { PREFIX, ADDRESS, PARAMETER }

    static final class SyntaxException extends Exception {
        final Problem problem;

        SyntaxException(Problem problem) {
            super(problem.name(), null, false, false);
            this.problem = problem;
        }
    }

    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    boolean isNull() {
        return address.isEmpty();
    }

    /**
     * @param prefix "FROM:" or "TO:"
     */
    static SmtpPath parse(String argument, String prefix) throws SyntaxException {
        if (argument.length() < prefix.length() || !argument.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new SyntaxException(Problem.PREFIX);
        }
        int i = prefix.length();
        // Tolerated, as most servers do: "MAIL FROM: <a@b>" (RFC 5321 has no space there).
        while (i < argument.length() && argument.charAt(i) == ' ') i++;
        if (i >= argument.length() || argument.charAt(i) != '<') throw new SyntaxException(Problem.ADDRESS);
        int close = closingBracket(argument, i + 1);
        String path = argument.substring(i + 1, close);
        String mailbox = stripSourceRoute(path);
        String address = mailbox(mailbox);
        boolean nonAscii = address.chars().anyMatch(c -> c > 127);
        return new SmtpPath(address, nonAscii, parameters(argument.substring(close + 1)), mailbox.length() != path.length());
    }

    private static int closingBracket(String s, int from) throws SyntaxException {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        throw new SyntaxException(Problem.ADDRESS);
    }

    /** RFC 5321 4.1.1.3: "<@a.example,@b.example:user@c.example>": parsed, then ignored. */
    private static String stripSourceRoute(String path) throws SyntaxException {
        if (!path.startsWith("@")) return path;
        int colon = path.indexOf(':');
        if (colon < 0) throw new SyntaxException(Problem.ADDRESS);
        for (String hop : path.substring(0, colon).split(",", -1)) {
            if (!hop.startsWith("@") || !isDomain(hop.substring(1))) throw new SyntaxException(Problem.ADDRESS);
        }
        return path.substring(colon + 1);
    }

    private static String mailbox(String m) throws SyntaxException {
        if (m.isEmpty()) return "";
        if (m.indexOf('\uFFFD') >= 0) throw new SyntaxException(Problem.ADDRESS);   // invalid UTF-8 on the wire
        if (m.equalsIgnoreCase("postmaster")) return m;
        int at = m.startsWith("\"") ? quotedEnd(m) + 1 : m.lastIndexOf('@');
        if (at <= 0 || at >= m.length() - 1 || m.charAt(at) != '@') throw new SyntaxException(Problem.ADDRESS);
        String local = m.substring(0, at);
        String domain = m.substring(at + 1);
        if (!(local.startsWith("\"") || isDotString(local))) throw new SyntaxException(Problem.ADDRESS);
        // The absolute form "example.org." names the same domain: dropped here, so that every later
        // comparison (local domains, relay permission) sees the one spelling.
        if (domain.endsWith(".") && domain.length() > 1 && isDomain(domain.substring(0, domain.length() - 1))) {
            return m.substring(0, m.length() - 1);
        }
        if (!(isDomain(domain) || isAddressLiteral(domain))) throw new SyntaxException(Problem.ADDRESS);
        return m;
    }

    /** Index of the closing DQUOTE of a quoted-string local part (qtextSMTP / quoted-pairSMTP). */
    private static int quotedEnd(String m) throws SyntaxException {
        for (int i = 1; i < m.length(); i++) {
            char c = m.charAt(i);
            if (c == '\\') {
                if (i + 1 >= m.length() || !printable(m.charAt(i + 1))) throw new SyntaxException(Problem.ADDRESS);
                i++;
            } else if (c == '"') {
                return i;
            } else if (!printable(c)) {
                throw new SyntaxException(Problem.ADDRESS);
            }
        }
        throw new SyntaxException(Problem.ADDRESS);
    }

    private static boolean printable(char c) {
        return (c >= 32 && c <= 126) || c > 127;
    }

    static boolean isDotString(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '.' || (c < 128 && (Character.isLetterOrDigit(c) || ATEXT_SPECIALS.indexOf(c) >= 0)) || c > 127;
            if (!ok) return false;
        }
        return true;
    }

    static boolean isDomain(String d) {
        if (d.isEmpty() || d.length() > 255) return false;
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.startsWith("-") || label.endsWith("-")) return false;
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c < 128 && (Character.isLetterOrDigit(c) || c == '-')) || (c > 127 && c != '\uFFFD');
                if (!ok) return false;
            }
        }
        return true;
    }

    /** "[192.0.2.1]", "[IPv6:...]" or a general literal: dcontent is %d33-90 / %d94-126. */
    private static boolean isAddressLiteral(String d) {
        if (d.length() < 3 || d.charAt(0) != '[' || d.charAt(d.length() - 1) != ']') return false;
        for (int i = 1; i < d.length() - 1; i++) {
            char c = d.charAt(i);
            if (c < 33 || c > 126 || c == '[' || c == '\\' || c == ']') return false;
        }
        return true;
    }

    /** RFC 5321 4.1.2 Mail-parameters, RFC 6531 3.3 allows UTF-8 in values. */
    private static Map<String, String> parameters(String rest) throws SyntaxException {
        Map<String, String> params = new LinkedHashMap<>();
        if (rest.isEmpty()) return params;
        if (rest.charAt(0) != ' ') throw new SyntaxException(Problem.ADDRESS);
        for (String p : rest.trim().split(" +")) {
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? null : p.substring(eq + 1);
            if (!isKeyword(key) || (value != null && !isValue(value))) throw new SyntaxException(Problem.PARAMETER);
            if (params.put(key, value) != null || (params.size() > 16)) throw new SyntaxException(Problem.PARAMETER);
        }
        return params;
    }

    private static boolean isKeyword(String k) {
        if (k.isEmpty() || !Character.isLetterOrDigit(k.charAt(0)) || k.charAt(0) > 127) return false;
        return k.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-'));
    }

    private static boolean isValue(String v) {
        return !v.isEmpty() && v.chars().allMatch(c -> (c >= 33 && c <= 126 && c != '=') || (c > 127 && c != 0xFFFD));
    }
}
