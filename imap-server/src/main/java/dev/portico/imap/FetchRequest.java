package dev.portico.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A FETCH command's data items and modifiers, parsed (RFC 9051 6.4.5, RFC 3516 BINARY, RFC 7162
 * CHANGEDSINCE / VANISHED). The macros ALL, FAST and FULL are expanded here.
 *
 * @param changedSince only messages whose mod-sequence is higher (RFC 7162 3.1.4.1); -1 for all
 * @param vanished     UID FETCH's VANISHED modifier (QRESYNC, RFC 7162 3.2.6)
 */
record FetchRequest(List<Item> items, long changedSince, boolean vanished) {

    sealed interface Item permits Simple, Body, Binary {}

    /** The items that are one word each. {@code BODY} alone is the non-extensible BODYSTRUCTURE. */
    enum Simple implements Item {
        UID, FLAGS, INTERNALDATE, RFC822_SIZE, ENVELOPE, BODY, BODYSTRUCTURE, MODSEQ, RFC822, RFC822_HEADER, RFC822_TEXT;

        String wire() {
            return name().replace('_', '.');
        }
    }

    /** {@code BODY[section]<partial>} or {@code BODY.PEEK[...]}; {@code partial} null for the whole. */
    record Body(boolean peek, SectionSpec section, Partial partial) implements Item {}

    /** {@code BINARY[part]<partial>}, {@code BINARY.PEEK[...]}, or {@code BINARY.SIZE[part]} ({@code size}). */
    record Binary(boolean peek, List<Integer> part, Partial partial, boolean size) implements Item {}

    /** Whether fetching these items sets \Seen (RFC 9051 6.4.5: BODY[...] without PEEK, RFC822, RFC822.TEXT, BINARY). */
    boolean setsSeen() {
        for (Item i : items) {
            if (i == Simple.RFC822 || i == Simple.RFC822_TEXT) return true;
            if (i instanceof Body b && !b.peek()) return true;
            if (i instanceof Binary b && !b.peek() && !b.size()) return true;
        }
        return false;
    }

    /** Whether any item needs the message parsed (everything but UID, FLAGS, INTERNALDATE, RFC822.SIZE, MODSEQ). */
    boolean needsContent() {
        for (Item i : items) {
            if (!(i == Simple.UID || i == Simple.FLAGS || i == Simple.INTERNALDATE || i == Simple.RFC822_SIZE
                    || i == Simple.MODSEQ)) return true;
        }
        return false;
    }

    /** Parses what follows {@code FETCH SP sequence-set SP}. */
    static FetchRequest parse(ImapInput in) {
        List<Item> items = new ArrayList<>();
        if (in.takeWord("ALL")) {
            items.addAll(List.of(Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822_SIZE, Simple.ENVELOPE));
        } else if (in.takeWord("FAST")) {
            items.addAll(List.of(Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822_SIZE));
        } else if (in.takeWord("FULL")) {
            items.addAll(List.of(Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822_SIZE, Simple.ENVELOPE, Simple.BODY));
        } else if (in.take('(')) {
            do {
                items.add(item(in));
            } while (in.take(' '));
            in.expect(')');
        } else {
            items.add(item(in));
        }
        long changedSince = -1;
        boolean vanished = false;
        if (in.take(' ')) {
            in.expect('(');
            do {
                if (in.takeWord("CHANGEDSINCE")) {
                    in.sp();
                    changedSince = in.number();
                } else if (in.takeWord("VANISHED")) {
                    vanished = true;
                } else {
                    throw in.syntax("unknown FETCH modifier");
                }
            } while (in.take(' '));
            in.expect(')');
        }
        if (vanished && changedSince < 0) throw in.syntax("VANISHED needs CHANGEDSINCE");
        return new FetchRequest(List.copyOf(items), changedSince, vanished);
    }

    private static Item item(ImapInput in) {
        String word = itemName(in);
        switch (word) {
            case "BODY", "BODY.PEEK" -> {
                if (in.peek() != '[') {
                    if (word.equals("BODY.PEEK")) throw in.syntax("BODY.PEEK needs a section");
                    return Simple.BODY;
                }
                SectionSpec spec;
                try {
                    spec = SectionSpec.parse(in.bracketed());
                } catch (IllegalArgumentException e) {
                    throw in.syntax("bad section");
                }
                return new Body(word.equals("BODY.PEEK"), spec, partial(in));
            }
            case "BINARY", "BINARY.PEEK", "BINARY.SIZE" -> {
                List<Integer> part = new ArrayList<>();
                String inside = in.bracketed();
                if (!inside.isEmpty()) {
                    for (String n : inside.split("\\.", -1)) {
                        if (n.isEmpty() || n.length() > 9 || !n.chars().allMatch(Character::isDigit) || n.charAt(0) == '0') {
                            throw in.syntax("bad BINARY section");
                        }
                        part.add(Integer.parseInt(n));
                    }
                }
                boolean size = word.equals("BINARY.SIZE");
                return new Binary(word.equals("BINARY.PEEK"), part, size ? null : partial(in), size);
            }
            default -> {
                try {
                    return Simple.valueOf(word.replace('.', '_'));
                } catch (IllegalArgumentException e) {
                    throw in.syntax("unknown FETCH item " + word);
                }
            }
        }
    }

    /** The item's name: atom characters up to {@code [}, {@code SP} or {@code )}. */
    private static String itemName(ImapInput in) {
        StringBuilder b = new StringBuilder();
        while (in.peek() >= 0 && in.peek() != '[' && ImapInput.isAtomChar((char) in.peek())) {
            b.append((char) in.peek());
            in.take((char) in.peek());
        }
        if (b.isEmpty()) throw in.syntax("expected a FETCH item");
        return b.toString().toUpperCase(Locale.ROOT);
    }

    private static Partial partial(ImapInput in) {
        if (!in.take('<')) return null;
        long origin = in.number();
        in.expect('.');
        long length = in.number();
        in.expect('>');
        if (length == 0) throw in.syntax("a partial's length must not be zero");
        return new Partial(origin, length);
    }
}
