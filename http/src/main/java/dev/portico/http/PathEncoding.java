package dev.portico.http;

import java.nio.charset.StandardCharsets;

/** Percent-encoding of URL path segments and of RFC 5987 header parameters. */
final class PathEncoding {

    private PathEncoding() {}

    /** Encodes all but RFC 3986's unreserved characters, so any name (a Maildir id with {@code \}) fits in one segment. */
    static String segment(String s) {
        return encode(s, true);
    }

    /** RFC 8187's value-chars for a header parameter: only unreserved characters stay. */
    static String headerValue(String s) {
        return encode(s, false);
    }

    /** @param subDelims keep {@code ,} and {@code =}, which a path segment may hold (Maildir ids have them) */
    private static String encode(String s, boolean subDelims) {
        StringBuilder b = new StringBuilder(s.length());
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
                    || subDelims && (c == ',' || c == '=')) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
