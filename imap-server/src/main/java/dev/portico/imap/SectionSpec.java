package dev.portico.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What is inside the brackets of {@code BODY[...]} / {@code BINARY[...]} (RFC 9051 6.4.5 and 9,
 * {@code section-spec}): a part path ({@code 1.2.3}, empty for the whole message) and what of that
 * part ({@link Text}).
 *
 * @param part   part numbers from 1, outermost first; empty for the message itself
 * @param text   which bytes of the part
 * @param fields the header field names of {@code HEADER.FIELDS} / {@code HEADER.FIELDS.NOT}, as the
 *               client wrote them (matched without regard to case); empty otherwise
 */
public record SectionSpec(List<Integer> part, Text text, List<String> fields) {

    /** The section-text: none (the part's body, or the whole message), or one of the RFC's names. */
    public enum Text { NONE, HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT, MIME }

    /** The whole message, {@code BODY[]}. */
    public static final SectionSpec WHOLE = new SectionSpec(List.of(), Text.NONE, List.of());

    public SectionSpec {
        part = List.copyOf(part);
        fields = List.copyOf(fields);
        for (int n : part) if (n < 1) throw new IllegalArgumentException("part numbers start at 1");
        if (text == Text.MIME && part.isEmpty()) throw new IllegalArgumentException("MIME needs a part number");
        if ((text == Text.HEADER_FIELDS || text == Text.HEADER_FIELDS_NOT) == fields.isEmpty())
            throw new IllegalArgumentException("HEADER.FIELDS takes a non-empty list, nothing else does");
    }

    /**
     * Parses the text between the brackets, e.g. {@code 1.2.HEADER.FIELDS (From "To")}; field names
     * are atoms or quoted strings.
     *
     * @throws IllegalArgumentException when it is not a section-spec
     */
    public static SectionSpec parse(String s) {
        List<Integer> part = new ArrayList<>();
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            int j = i;
            while (j < s.length() && Character.isDigit(s.charAt(j))) j++;
            if (j - i > 9 || s.charAt(i) == '0') throw new IllegalArgumentException("bad part number in " + s);
            part.add(Integer.parseInt(s.substring(i, j)));
            if (j == s.length()) return new SectionSpec(part, Text.NONE, List.of());
            if (s.charAt(j) != '.') throw new IllegalArgumentException("bad section " + s);
            i = j + 1;
        }
        String rest = s.substring(i);
        String upper = rest.toUpperCase(Locale.ROOT);
        if (upper.isEmpty() && part.isEmpty()) return WHOLE;
        switch (upper) {
            case "HEADER": return new SectionSpec(part, Text.HEADER, List.of());
            case "TEXT": return new SectionSpec(part, Text.TEXT, List.of());
            case "MIME": return new SectionSpec(part, Text.MIME, List.of());
            default: break;
        }
        Text t;
        String list;
        if (upper.startsWith("HEADER.FIELDS.NOT ")) {
            t = Text.HEADER_FIELDS_NOT;
            list = rest.substring("HEADER.FIELDS.NOT ".length());
        } else if (upper.startsWith("HEADER.FIELDS ")) {
            t = Text.HEADER_FIELDS;
            list = rest.substring("HEADER.FIELDS ".length());
        } else {
            throw new IllegalArgumentException("bad section " + s);
        }
        return new SectionSpec(part, t, fieldList(list));
    }

    private static List<String> fieldList(String list) {
        if (list.length() < 2 || list.charAt(0) != '(' || list.charAt(list.length() - 1) != ')')
            throw new IllegalArgumentException("bad header list " + list);
        List<String> out = new ArrayList<>();
        String in = list.substring(1, list.length() - 1);
        int i = 0;
        while (i < in.length()) {
            if (!out.isEmpty()) {
                if (in.charAt(i) != ' ') throw new IllegalArgumentException("bad header list " + list);
                i++;
            }
            StringBuilder name = new StringBuilder();
            if (i < in.length() && in.charAt(i) == '"') {
                i++;
                while (i < in.length() && in.charAt(i) != '"') {
                    if (in.charAt(i) == '\\' && i + 1 < in.length()) i++;
                    name.append(in.charAt(i++));
                }
                if (i >= in.length()) throw new IllegalArgumentException("unterminated quoted string in " + list);
                i++;
            } else {
                while (i < in.length() && in.charAt(i) != ' ') name.append(in.charAt(i++));
                if (!ImapString.isAtom(name.toString())) throw new IllegalArgumentException("bad header name in " + list);
            }
            if (name.isEmpty()) throw new IllegalArgumentException("empty header name in " + list);
            out.add(name.toString());
        }
        if (out.isEmpty()) throw new IllegalArgumentException("empty header list");
        return out;
    }

    /** The section as the reply names it, field names in upper case as Dovecot writes them: {@code 1.HEADER.FIELDS (FROM TO)}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int n : part) {
            if (!b.isEmpty()) b.append('.');
            b.append(n);
        }
        if (text == Text.NONE) return b.toString();
        if (!b.isEmpty()) b.append('.');
        b.append(text.name().replace('_', '.'));
        if (!fields.isEmpty()) {
            b.append(" (");
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) b.append(' ');
                b.append(ImapString.astring(fields.get(i).toUpperCase(Locale.ROOT)));
            }
            b.append(')');
        }
        return b.toString();
    }
}
