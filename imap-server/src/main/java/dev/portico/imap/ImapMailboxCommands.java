package dev.portico.imap;

import dev.portico.core.Refusal;
import dev.portico.core.mail.Folder;
import dev.portico.core.mail.FolderNames;
import dev.portico.core.mail.MailFolders;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The authenticated-state commands on mailboxes (RFC 9051 6.3): SELECT to APPEND, with LIST-EXTENDED, SPECIAL-USE and CONDSTORE/QRESYNC. */
final class ImapMailboxCommands {

    private ImapMailboxCommands() {}

    static final String DELIMITER = String.valueOf(MailFolders.DELIMITER);

    /** A name or pattern from the wire: modified UTF-7 unless IMAP4rev2 is enabled (UTF-8 then). */
    static String fromWire(ImapSession s, String wire) {
        return s.rev2 ? wire : FolderNames.fromModifiedUtf7(wire);
    }

    /** A store name as this client reads it, quoted where it must be. */
    static String toWire(ImapSession s, String name) {
        return ImapString.astring(s.rev2 ? name : FolderNames.toModifiedUtf7(name));
    }

    /**
     * A mailbox name as the client wrote it, as the store takes it: INBOX in any case is INBOX
     * (RFC 9051 5.1), and an IMAP4rev1 client's modified UTF-7 is decoded (RFC 3501 5.1.3).
     */
    static String mailbox(ImapSession s) throws IOException {
        String wire = s.in.astring();
        // mbsync 1.4 sends its local folder's raw UTF-8 ("Café"): taken as it came, CREATE made a
        // folder that LIST then showed as "Caf&AOk-", and the next sync created that name locally
        // and lost the original. Dovecot refuses such a name; so does Portico, before any store call.
        if (!s.rev2 && !FolderNames.toModifiedUtf7(FolderNames.fromModifiedUtf7(wire)).equals(wire)) {
            throw new Refusal(ImapReply.no("CANNOT", "mailbox name is not valid modified UTF-7 (RFC 3501 5.1.3)"));
        }
        String name = fromWire(s, wire);
        if (name.equalsIgnoreCase(MailFolders.INBOX)) return MailFolders.INBOX;
        if (name.isEmpty()) throw s.in.syntax("empty mailbox name");
        return name;
    }

    static ImapReply namespace(ImapSession s, String argument) throws IOException {
        s.in.end();
        s.untagged("NAMESPACE ((\"\" \"" + DELIMITER + "\")) NIL NIL");
        return ImapReply.ok("NAMESPACE completed");
    }

    static ImapReply select(ImapSession s, String argument) throws IOException {
        return open(s, false);
    }

    static ImapReply examine(ImapSession s, String argument) throws IOException {
        return open(s, true);
    }

    /** RFC 9051 6.3.2 / 6.3.3 with RFC 7162's CONDSTORE and QRESYNC parameters. */
    private static ImapReply open(ImapSession s, boolean readOnly) throws IOException {
        s.in.sp();
        String name = mailbox(s);
        long qresyncValidity = -1, qresyncModSeq = -1;
        SequenceSet qresyncKnown = null;
        if (s.in.take(' ')) {
            s.in.expect('(');
            for (int i = 0; !s.in.take(')'); i++) {
                if (i > 0) s.in.sp();
                if (s.in.takeWord("CONDSTORE")) {
                    s.condstore = true;
                } else if (s.in.takeWord("QRESYNC")) {
                    if (!s.qresync) throw s.in.syntax("QRESYNC must be enabled first");
                    s.in.sp();
                    s.in.expect('(');
                    qresyncValidity = s.in.number();
                    s.in.sp();
                    qresyncModSeq = s.in.number();
                    if (s.in.take(' ')) {
                        qresyncKnown = s.in.sequenceSet();
                        if (s.in.take(' ')) {   // seq-match-data: accepted, not needed to answer exactly
                            s.in.expect('(');
                            s.in.sequenceSet();
                            s.in.sp();
                            s.in.sequenceSet();
                            s.in.expect(')');
                        }
                    }
                    s.in.expect(')');
                } else {
                    throw s.in.syntax("unknown SELECT parameter");
                }
            }
        }
        s.in.end();
        if (s.folder != null) {
            s.closeFolder();
            s.untagged("OK [CLOSED] previous mailbox closed");
        }
        s.phase = ImapSession.Phase.AUTHENTICATED;
        Folder f = s.storage(() -> s.folders.open(name, readOnly));
        s.folder = f;
        s.phase = ImapSession.Phase.SELECTED;
        List<Folder.Message> messages = f.messages();
        for (Folder.Message m : messages) s.known.add(m.uid());
        Set<String> flags = new LinkedHashSet<>(List.of(Folder.ANSWERED, Folder.FLAGGED, Folder.DELETED, Folder.SEEN, Folder.DRAFT));
        flags.addAll(f.knownFlags());
        s.untagged("FLAGS " + ImapSession.flagList(flags));
        s.untagged("OK [PERMANENTFLAGS " + (f.readOnly() ? "()" : ImapSession.flagList(withStar(flags))) + "] flags permitted");
        s.untagged(messages.size() + " EXISTS");
        if (!s.rev2) {
            s.untagged("0 RECENT");
            for (int i = 0; i < messages.size(); i++) {
                if (!messages.get(i).flags().contains(Folder.SEEN)) {
                    s.untagged("OK [UNSEEN " + (i + 1) + "] first unseen");
                    break;
                }
            }
        }
        s.untagged("OK [UIDVALIDITY " + f.uidValidity() + "] UIDs valid");
        s.untagged("OK [UIDNEXT " + f.uidNext() + "] predicted next UID");
        s.untagged("OK [HIGHESTMODSEQ " + f.highestModSeq() + "] highest");
        if (s.rev2) s.untagged("LIST () \"" + DELIMITER + "\" " + toWire(s, f.name()));
        if (qresyncValidity == f.uidValidity()) resync(s, qresyncModSeq, qresyncKnown);
        return ImapReply.ok(f.readOnly() ? "READ-ONLY" : "READ-WRITE", (readOnly ? "EXAMINE" : "SELECT") + " completed");
    }

    private static Set<String> withStar(Set<String> flags) {
        Set<String> out = new LinkedHashSet<>(flags);
        out.add("\\*");
        return out;
    }

    /**
     * RFC 7162 3.2.5.2: what the client missed since {@code modSeq}: the UIDs it knew that are gone
     * (VANISHED (EARLIER), also for UIDs it may never have seen: the server keeps no tombstones),
     * then FETCH FLAGS of the messages changed after it.
     */
    private static void resync(ImapSession s, long modSeq, SequenceSet knownUids) throws IOException {
        List<Folder.Message> now = s.folder.messages();
        long top = s.folder.uidNext() - 1;
        List<Long> gone = new ArrayList<>();
        int j = 0;
        if (top >= 1) {
            // UIDs from 1 to top that are not in the folder, as ranges: one entry per gap.
            long next = 1;
            for (Folder.Message m : now) {
                if (m.uid() > next) addRange(gone, next, m.uid() - 1, knownUids, top);
                next = m.uid() + 1;
            }
            if (next <= top) addRange(gone, next, top, knownUids, top);
        }
        if (!gone.isEmpty()) s.untagged("VANISHED (EARLIER) " + formatPairs(gone));
        for (Folder.Message m : now) {
            if (m.modSeq() > modSeq) {
                int n = s.known.indexOf(m.uid());
                s.untagged((n + 1) + " FETCH (UID " + m.uid() + " FLAGS " + ImapSession.flagList(m.flags())
                        + " MODSEQ (" + m.modSeq() + "))");
            }
            j++;
        }
    }

    /** Adds the gap lo..hi as a pair, limited to what the client said it knows. */
    static void addRange(List<Long> pairs, long lo, long hi, SequenceSet known, long top) {
        if (known == null) {
            pairs.add(lo);
            pairs.add(hi);
            return;
        }
        for (long[] r : known.ranges()) {
            long a = Math.max(lo, r[0] == SequenceSet.STAR ? top : r[0]);
            long b = Math.min(hi, r[1] == SequenceSet.STAR ? top : r[1]);
            if (a <= b) {
                pairs.add(a);
                pairs.add(b);
            }
        }
    }

    static String formatPairs(List<Long> pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pairs.size(); i += 2) {
            if (!b.isEmpty()) b.append(',');
            b.append(pairs.get(i));
            if (!pairs.get(i).equals(pairs.get(i + 1))) b.append(':').append(pairs.get(i + 1));
        }
        return b.toString();
    }

    static ImapReply create(ImapSession s, String argument) throws IOException {
        s.in.sp();
        String name = mailbox(s);
        s.in.end();
        while (name.endsWith(DELIMITER) && name.length() > 1) name = name.substring(0, name.length() - 1);
        if (name.equals(MailFolders.INBOX)) return ImapReplies.ALREADY_EXISTS;
        String n = name;
        s.storage(() -> {
            s.folders.create(n);
            return null;
        });
        return ImapReply.ok("CREATE completed");
    }

    static ImapReply delete(ImapSession s, String argument) throws IOException {
        s.in.sp();
        String name = mailbox(s);
        s.in.end();
        if (name.equals(MailFolders.INBOX)) return ImapReply.no("CANNOT", "INBOX cannot be deleted");
        if (s.folder != null && s.folder.name().equals(name)) return ImapReply.no("INUSE", "mailbox is selected");
        s.storage(() -> {
            s.folders.delete(name);
            return null;
        });
        return ImapReply.ok("DELETE completed");
    }

    static ImapReply rename(ImapSession s, String argument) throws IOException {
        s.in.sp();
        String from = mailbox(s);
        s.in.sp();
        String to = mailbox(s);
        s.in.end();
        if (to.equals(MailFolders.INBOX)) return ImapReplies.ALREADY_EXISTS;
        s.storage(() -> {
            s.folders.rename(from, to);
            return null;
        });
        return ImapReply.ok("RENAME completed");
    }

    static ImapReply subscribe(ImapSession s, String argument) throws IOException {
        return subscription(s, true);
    }

    static ImapReply unsubscribe(ImapSession s, String argument) throws IOException {
        return subscription(s, false);
    }

    private static ImapReply subscription(ImapSession s, boolean on) throws IOException {
        s.in.sp();
        String name = mailbox(s);
        s.in.end();
        s.storage(() -> {
            s.folders.subscribe(name, on);
            return null;
        });
        return ImapReply.ok((on ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed");
    }

    /** RFC 9051 6.3.9 with its selection options (SUBSCRIBED, SPECIAL-USE, RECURSIVEMATCH) and return options. */
    static ImapReply list(ImapSession s, String argument) throws IOException {
        s.in.sp();
        boolean selectSubscribed = false, selectSpecialUse = false;
        if (s.in.take('(')) {
            for (int i = 0; !s.in.take(')'); i++) {
                if (i > 0) s.in.sp();
                String opt = s.in.atom().toUpperCase(Locale.ROOT);
                switch (opt) {
                    case "SUBSCRIBED" -> selectSubscribed = true;
                    case "SPECIAL-USE" -> selectSpecialUse = true;
                    case "RECURSIVEMATCH", "REMOTE" -> { }
                    default -> throw s.in.syntax("unknown LIST selection option " + opt);
                }
            }
            s.in.sp();
        }
        String reference = s.in.astring();
        s.in.sp();
        List<String> patterns = new ArrayList<>();
        if (s.in.take('(')) {
            do {
                patterns.add(s.in.listMailbox());
            } while (s.in.take(' '));
            s.in.expect(')');
        } else {
            patterns.add(s.in.listMailbox());
        }
        boolean returnSubscribed = selectSubscribed, returnChildren = true, returnSpecialUse = true;
        List<String> statusItems = null;
        if (s.in.take(' ')) {
            if (!s.in.takeWord("RETURN")) throw s.in.syntax("expected RETURN");
            s.in.sp();
            s.in.expect('(');
            for (int i = 0; !s.in.take(')'); i++) {
                if (i > 0) s.in.sp();
                String opt = s.in.atom().toUpperCase(Locale.ROOT);
                switch (opt) {
                    case "SUBSCRIBED" -> returnSubscribed = true;
                    case "CHILDREN" -> returnChildren = true;
                    case "SPECIAL-USE" -> returnSpecialUse = true;
                    case "STATUS" -> {
                        s.in.sp();
                        statusItems = statusItems(s);
                    }
                    default -> throw s.in.syntax("unknown LIST return option " + opt);
                }
            }
        }
        s.in.end();
        if (patterns.size() == 1 && patterns.get(0).isEmpty() && !selectSubscribed) {
            // RFC 9051 6.3.9: the hierarchy delimiter and the root name.
            s.untagged("LIST (\\Noselect) \"" + DELIMITER + "\" \"\"");
            return ImapReply.ok("LIST completed");
        }
        List<Pattern> matchers = new ArrayList<>();
        for (String p : patterns) matchers.add(matcher(fromWire(s, reference), fromWire(s, p)));
        List<MailFolders.FolderInfo> all = s.storage(() -> s.folders.list());
        Set<String> subscribed = returnSubscribed ? s.storage(() -> s.folders.subscriptions()) : Set.of();
        Set<String> existing = new LinkedHashSet<>();
        for (MailFolders.FolderInfo f : all) {
            existing.add(f.name());
            if (!matches(matchers, f.name())) continue;
            if (selectSubscribed && !subscribed.contains(f.name())) continue;
            if (selectSpecialUse && f.specialUse() == null) continue;
            List<String> attrs = new ArrayList<>();
            if (returnChildren) attrs.add(f.hasChildren() ? "\\HasChildren" : "\\HasNoChildren");
            if (returnSubscribed && subscribed.contains(f.name())) attrs.add("\\Subscribed");
            if (returnSpecialUse && f.specialUse() != null) attrs.add(specialUse(f.specialUse()));
            s.untagged("LIST (" + String.join(" ", attrs) + ") \"" + DELIMITER + "\" " + toWire(s, f.name()));
            if (statusItems != null) {
                try {
                    Folder.Status st = s.storage(() -> s.folders.status(f.name()));
                    s.untagged("STATUS " + toWire(s, f.name()) + " " + statusValues(s, statusItems, st));
                } catch (Refusal ignored) {
                    // RFC 5819: a mailbox whose status cannot be had is listed without it
                }
            }
        }
        if (selectSubscribed) {
            for (String name : subscribed) {
                if (!existing.contains(name) && matches(matchers, name)) {
                    s.untagged("LIST (\\Subscribed \\NonExistent) \"" + DELIMITER + "\" " + toWire(s, name));
                }
            }
        }
        return ImapReply.ok("LIST completed");
    }

    /** RFC 3501 6.3.9, kept for IMAP4rev1 clients: the subscribed mailboxes that match. */
    static ImapReply lsub(ImapSession s, String argument) throws IOException {
        s.in.sp();
        String reference = s.in.astring();
        s.in.sp();
        String pattern = s.in.listMailbox();
        s.in.end();
        Pattern m = matcher(fromWire(s, reference), fromWire(s, pattern));
        for (String name : s.storage(() -> s.folders.subscriptions())) {
            if (m.matcher(name).matches()) s.untagged("LSUB () \"" + DELIMITER + "\" " + toWire(s, name));
        }
        return ImapReply.ok("LSUB completed");
    }

    private static String specialUse(MailFolders.SpecialUse use) {
        String n = use.name();
        return "\\" + n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
    }

    private static boolean matches(List<Pattern> matchers, String name) {
        for (Pattern p : matchers) if (p.matcher(name).matches()) return true;
        return false;
    }

    /** {@code *} matches anything, {@code %} anything but the delimiter (RFC 9051 6.3.9); INBOX in any case. */
    static Pattern matcher(String reference, String pattern) {
        String full = reference + pattern;
        StringBuilder re = new StringBuilder();
        if (full.regionMatches(true, 0, MailFolders.INBOX, 0, 5)
                && (full.length() == 5 || full.charAt(5) == MailFolders.DELIMITER)) {
            full = MailFolders.INBOX + full.substring(5);
        }
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < full.length(); i++) {
            char c = full.charAt(i);
            if (c == '*' || c == '%') {
                if (!literal.isEmpty()) re.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                re.append(c == '*' ? ".*" : "[^" + Pattern.quote(DELIMITER) + "]*");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) re.append(Pattern.quote(literal.toString()));
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    private static List<String> statusItems(ImapSession s) {
        List<String> items = new ArrayList<>();
        s.in.expect('(');
        do {
            String item = s.in.atom().toUpperCase(Locale.ROOT);
            switch (item) {
                case "MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "RECENT", "SIZE", "HIGHESTMODSEQ", "DELETED" -> items.add(item);
                default -> throw s.in.syntax("unknown STATUS item " + item);
            }
        } while (s.in.take(' '));
        s.in.expect(')');
        return items;
    }

    private static String statusValues(ImapSession s, List<String> items, Folder.Status st) {
        List<String> out = new ArrayList<>();
        for (String item : items) {
            long v = switch (item) {
                case "MESSAGES" -> st.messages();
                case "UIDNEXT" -> st.uidNext();
                case "UIDVALIDITY" -> st.uidValidity();
                case "UNSEEN" -> st.unseen();
                case "SIZE" -> st.size();
                case "HIGHESTMODSEQ" -> st.highestModSeq();
                default -> -1;    // RECENT (always 0 here: \Recent is not kept), DELETED (not counted)
            };
            if (item.equals("RECENT")) v = 0;
            if (v < 0) continue;
            out.add(item + " " + v);
        }
        return "(" + String.join(" ", out) + ")";
    }

    /** RFC 9051 6.3.11 with RFC 7162's HIGHESTMODSEQ and RFC 8438's SIZE. */
    static ImapReply status(ImapSession s, String argument) throws IOException {
        s.in.sp();
        String name = mailbox(s);
        s.in.sp();
        List<String> items = statusItems(s);
        s.in.end();
        Folder.Status st = s.storage(() -> s.folders.status(name));
        s.untagged("STATUS " + toWire(s, name) + " " + statusValues(s, items, st));
        return ImapReply.ok("STATUS completed");
    }

    private static final DateTimeFormatter DATE_TIME = new java.time.format.DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("d-MMM-yyyy HH:mm:ss Z").toFormatter(Locale.ENGLISH);

    /** RFC 9051 6.3.12 with UIDPLUS's APPENDUID; the message streams into the store as it arrives. */
    static ImapReply append(ImapSession s, String argument) throws IOException {
        s.in.sp();
        String name = mailbox(s);
        s.in.sp();
        Set<String> flags = Set.of();
        if (s.in.peek() == '(') {
            flags = flagList(s);
            s.in.sp();
        }
        Instant date = null;
        if (s.in.peek() == '"') {
            String text = s.in.string();
            try {
                date = ZonedDateTime.parse(text.strip(), DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                return ImapReplies.BAD_DATE;
            }
            s.in.sp();
        }
        if (!s.in.atLiteral()) throw s.in.syntax("APPEND needs the message as a literal");
        boolean exists = s.storage(() -> s.folders.list()).stream().anyMatch(f -> f.name().equals(name));
        if (!exists) return ImapReplies.TRY_CREATE;   // before the "+ ": the client sends nothing
        Instant internalDate = date == null ? Instant.now() : date;
        Set<String> f = flags;
        long[] result;
        try {
            InputStream message = s.in.messageLiteral(s.config.appendLimit());
            result = s.storage(() -> s.folders.append(name, message, f, internalDate));
        } finally {
            s.in.finishLiteral();
        }
        s.in.end();
        return ImapReply.ok("APPENDUID " + result[0] + " " + result[1], "APPEND completed");
    }

    /** A parenthesised list of flags: system flags and keywords; {@code \Recent} cannot be set. */
    static Set<String> flagList(ImapSession s) {
        Set<String> flags = new LinkedHashSet<>();
        s.in.expect('(');
        for (int i = 0; !s.in.take(')'); i++) {
            if (i > 0) s.in.sp();
            flags.add(flag(s));
        }
        return flags;
    }

    /** One flag: a system flag in its canonical case, or a keyword atom. */
    static String flag(ImapSession s) {
        if (s.in.take('\\')) {
            String name = s.in.atom();
            for (String system : List.of(Folder.SEEN, Folder.ANSWERED, Folder.FLAGGED, Folder.DELETED, Folder.DRAFT)) {
                if (system.substring(1).equalsIgnoreCase(name)) return system;
            }
            throw s.in.syntax("unknown system flag \\" + name);
        }
        return s.in.atom();
    }
}
