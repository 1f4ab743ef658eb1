package dev.portico.imap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Dovecot answered for one corpus message ({@code messages/NAME.dovecot}, recorded by
 * {@code messages/record-dovecot.sh}): the data items of its untagged FETCH responses by name
 * ({@code ENVELOPE}, {@code BODY[1.MIME]}, {@code BODY[]<0>}), the raw value of each, and the tags
 * that were refused with {@code NO [UNKNOWN-CTE]}.
 */
record DovecotTranscript(Map<String, byte[]> items, Set<String> unknownCte) {

    private static final Pattern TAGGED_NO = Pattern.compile("(?m)^(f\\d+) NO \\[UNKNOWN-CTE\\]");

    static DovecotTranscript load(String name) throws IOException {
        byte[] b;
        try (InputStream in = DovecotTranscript.class.getResourceAsStream("messages/" + name + ".dovecot")) {
            b = in.readAllBytes();
        }
        Map<String, byte[]> items = new LinkedHashMap<>();
        byte[] marker = "* 1 FETCH (".getBytes(StandardCharsets.US_ASCII);
        for (int at = indexOf(b, marker, 0); at >= 0; at = indexOf(b, marker, at)) {
            int k = at + marker.length;
            int depth = 0, m = k;
            while (b[m] != ' ' || depth > 0) {
                if (b[m] == '[') depth++;
                if (b[m] == ']') depth--;
                m++;
            }
            String item = new String(b, k, m - k, StandardCharsets.UTF_8);
            ImapSyntax s = new ImapSyntax(b, m + 1);
            int valueStart = m + 1;
            byte[] value;
            if (b[valueStart] == '{' || b[valueStart] == '~' || b[valueStart] == '"') {
                value = s.string();
            } else {
                s.value(new StringBuilder());
                value = java.util.Arrays.copyOfRange(b, valueStart, s.position());
            }
            items.put(item, value);
            at = s.position();
        }
        Set<String> refused = new LinkedHashSet<>();
        Matcher no = TAGGED_NO.matcher(new String(b, StandardCharsets.ISO_8859_1));
        while (no.find()) refused.add(no.group(1));
        return new DovecotTranscript(items, refused);
    }

    private static int indexOf(byte[] b, byte[] what, int from) {
        outer:
        for (int i = from; i <= b.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) if (b[i + j] != what[j]) continue outer;
            return i;
        }
        return -1;
    }
}
