package dev.portico.imap;

import dev.portico.core.mail.Folder;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One SEARCH key (RFC 9051 6.4.4, RFC 7162 MODSEQ), parsed into a tree; {@link #parseProgram}
 * reads the whole search program (its keys are ANDed). Keys on flags, numbers, sizes and dates
 * are answered from the folder's index; keys on content ask the parsed message ({@link MessageView}).
 */
sealed interface SearchKey {

    record All() implements SearchKey {}
    /** A system flag or keyword set ({@code set}) or not. */
    record Flag(String flag, boolean set) implements SearchKey {}
    /** {@code NEW} and {@code RECENT}: \Recent is not kept, so nothing is recent. */
    record Recent(boolean is) implements SearchKey {}
    /** FROM, TO, CC, BCC, SUBJECT and HEADER. */
    record Header(String field, String text) implements SearchKey {}
    record Body(String text) implements SearchKey {}
    record Text(String text) implements SearchKey {}
    /** BEFORE, ON, SINCE on the internal date, or SENTBEFORE... on the Date header ({@code sent}). */
    record Date(int compare, boolean sent, LocalDate date) implements SearchKey {}
    record Size(boolean larger, long octets) implements SearchKey {}
    record Not(SearchKey key) implements SearchKey {}
    record Or(SearchKey a, SearchKey b) implements SearchKey {}
    record And(List<SearchKey> keys) implements SearchKey {}
    /** A sequence set of message numbers, or of UIDs ({@code UID} key). */
    record Numbers(SequenceSet set, boolean uid) implements SearchKey {}
    record ModSeq(long atLeast) implements SearchKey {}

    /** What a key is evaluated against: one message, its number and, on demand, its content. */
    interface Candidate {
        int number();
        Folder.Message message();
        long largestNumber();
        long largestUid();
        /** UIDs {@code $} stands for. */
        List<Long> saved();
        MessageView view() throws IOException;
        /** The message's header alone (or its whole view when that is at hand): for keys on header fields. */
        MessageView header() throws IOException;
    }

    default boolean matches(Candidate c) throws IOException {
        Folder.Message m = c.message();
        return switch (this) {
            case All a -> true;
            case Flag f -> m.flags().contains(f.flag()) == f.set();
            case Recent r -> !r.is();
            case Header h -> c.header().headerContains(h.field(), h.text());
            case Body b -> c.view().bodyContains(b.text());
            case Text t -> c.view().textContains(t.text());
            case Date d -> {
                LocalDate day = d.sent() ? c.header().sentDate() : m.internalDate().atZone(java.time.ZoneOffset.UTC).toLocalDate();
                if (day == null) yield false;
                int cmp = day.compareTo(d.date());
                yield d.compare < 0 ? cmp < 0 : d.compare == 0 ? cmp == 0 : cmp >= 0;
            }
            case Size s -> s.larger() ? m.size() > s.octets() : m.size() < s.octets();
            case Not n -> !n.key().matches(c);
            case Or o -> o.a().matches(c) || o.b().matches(c);
            case And a -> {
                for (SearchKey k : a.keys()) if (!k.matches(c)) yield false;
                yield true;
            }
            case Numbers n -> n.set().saved() ? c.saved().contains(m.uid())
                    : n.uid() ? n.set().contains(m.uid(), c.largestUid()) : n.set().contains(c.number(), c.largestNumber());
            case ModSeq q -> m.modSeq() >= q.atLeast();
        };
    }

    /** Whether the key uses MODSEQ somewhere (the response then carries the highest, RFC 7162 3.1.5). */
    default boolean usesModSeq() {
        return switch (this) {
            case ModSeq q -> true;
            case Not n -> n.key().usesModSeq();
            case Or o -> o.a().usesModSeq() || o.b().usesModSeq();
            case And a -> a.keys().stream().anyMatch(SearchKey::usesModSeq);
            default -> false;
        };
    }

    /** Parses {@code [CHARSET charset SP] search-key *(SP search-key)}: US-ASCII and UTF-8 only (RFC 9051 6.4.4). */
    static SearchKey parseProgram(ImapInput in) throws IOException {
        if (in.takeWord("CHARSET")) {
            in.sp();
            String charset = in.astring().toUpperCase(Locale.ROOT);
            if (!charset.equals("UTF-8") && !charset.equals("US-ASCII")) {
                throw new dev.portico.core.Refusal(ImapReply.no("BADCHARSET (UTF-8 US-ASCII)", "unsupported charset"));
            }
            in.sp();
        }
        List<SearchKey> keys = new ArrayList<>();
        do {
            keys.add(parse(in, 0));
        } while (in.take(' '));
        return keys.size() == 1 ? keys.get(0) : new And(List.copyOf(keys));
    }

    private static SearchKey parse(ImapInput in, int depth) throws IOException {
        if (depth > 100) throw in.syntax("search keys nested too deep");
        if (in.take('(')) {
            List<SearchKey> keys = new ArrayList<>();
            do {
                keys.add(parse(in, depth + 1));
            } while (in.take(' '));
            in.expect(')');
            return keys.size() == 1 ? keys.get(0) : new And(List.copyOf(keys));
        }
        if (in.atSequenceSet()) return new Numbers(in.sequenceSet(), false);
        String word = in.atom().toUpperCase(Locale.ROOT);
        return switch (word) {
            case "ALL" -> new All();
            case "ANSWERED" -> new Flag(Folder.ANSWERED, true);
            case "DELETED" -> new Flag(Folder.DELETED, true);
            case "DRAFT" -> new Flag(Folder.DRAFT, true);
            case "FLAGGED" -> new Flag(Folder.FLAGGED, true);
            case "SEEN" -> new Flag(Folder.SEEN, true);
            case "UNANSWERED" -> new Flag(Folder.ANSWERED, false);
            case "UNDELETED" -> new Flag(Folder.DELETED, false);
            case "UNDRAFT" -> new Flag(Folder.DRAFT, false);
            case "UNFLAGGED" -> new Flag(Folder.FLAGGED, false);
            case "UNSEEN" -> new Flag(Folder.SEEN, false);
            case "KEYWORD" -> { in.sp(); yield new Flag(in.atom(), true); }
            case "UNKEYWORD" -> { in.sp(); yield new Flag(in.atom(), false); }
            case "NEW", "RECENT" -> new Recent(true);
            case "OLD" -> new Recent(false);
            case "FROM", "TO", "CC", "BCC", "SUBJECT" -> { in.sp(); yield new Header(word, in.astring()); }
            case "HEADER" -> {
                in.sp();
                String field = in.astring();
                in.sp();
                yield new Header(field, in.astring());
            }
            case "BODY" -> { in.sp(); yield new Body(in.astring()); }
            case "TEXT" -> { in.sp(); yield new Text(in.astring()); }
            case "BEFORE" -> new Date(-1, false, date(in));
            case "ON" -> new Date(0, false, date(in));
            case "SINCE" -> new Date(1, false, date(in));
            case "SENTBEFORE" -> new Date(-1, true, date(in));
            case "SENTON" -> new Date(0, true, date(in));
            case "SENTSINCE" -> new Date(1, true, date(in));
            case "LARGER" -> { in.sp(); yield new Size(true, in.number()); }
            case "SMALLER" -> { in.sp(); yield new Size(false, in.number()); }
            case "NOT" -> { in.sp(); yield new Not(parse(in, depth + 1)); }
            case "OR" -> {
                in.sp();
                SearchKey a = parse(in, depth + 1);
                in.sp();
                yield new Or(a, parse(in, depth + 1));
            }
            case "UID" -> { in.sp(); yield new Numbers(in.sequenceSet(), true); }
            case "MODSEQ" -> {
                in.sp();
                if (in.peek() == '"') {   // entry-name SP entry-type-req: per-flag mod-sequences are not kept
                    in.string();
                    in.sp();
                    in.atom();
                    in.sp();
                }
                yield new ModSeq(in.number());
            }
            default -> throw in.syntax("unknown search key " + word);
        };
    }

    DateTimeFormatter DATE = new java.time.format.DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("d-MMM-yyyy").toFormatter(Locale.ENGLISH);

    private static LocalDate date(ImapInput in) throws IOException {
        in.sp();
        String text = in.astring();
        try {
            return LocalDate.parse(text, DATE);
        } catch (DateTimeParseException e) {
            throw in.syntax("bad date " + text);
        }
    }
}
