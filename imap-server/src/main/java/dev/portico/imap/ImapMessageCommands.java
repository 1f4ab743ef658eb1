package dev.portico.imap;

import dev.portico.core.Refusal;
import dev.portico.core.mail.Folder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** The selected-state commands (RFC 9051 6.4) and IDLE (RFC 2177). */
final class ImapMessageCommands {

    private ImapMessageCommands() {}

    static final DateTimeFormatter INTERNALDATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    static ImapReply check(ImapSession s, String argument) {
        s.in.end();
        return ImapReply.ok("CHECK completed");
    }

    /** RFC 9051 6.4.1: removes \Deleted messages silently (not in EXAMINE), then leaves the mailbox. */
    static ImapReply close(ImapSession s, String argument) {
        s.in.end();
        if (!s.folder.readOnly()) s.storage(() -> s.folder.expunge(null));
        s.closeFolder();
        s.phase = ImapSession.Phase.AUTHENTICATED;
        return ImapReply.ok("CLOSE completed");
    }

    static ImapReply unselect(ImapSession s, String argument) {
        s.in.end();
        s.closeFolder();
        s.phase = ImapSession.Phase.AUTHENTICATED;
        return ImapReply.ok("UNSELECT completed");
    }

    /** The session loop announces what went (EXPUNGE or VANISHED) before the tagged reply. */
    static ImapReply expunge(ImapSession s, String argument) {
        s.in.end();
        if (s.folder.readOnly()) return ImapReplies.READ_ONLY;
        s.storage(() -> s.folder.expunge(null));
        return ImapReply.ok("EXPUNGE completed");
    }

    /** RFC 4315 2.1. */
    static ImapReply uidExpunge(ImapSession s, String argument) {
        s.in.sp();
        SequenceSet set = s.in.sequenceSet();
        s.in.end();
        if (s.folder.readOnly()) return ImapReplies.READ_ONLY;
        List<Long> uids = s.resolve(set, true);
        if (!uids.isEmpty()) s.storage(() -> s.folder.expunge(uids));
        return ImapReply.ok("UID EXPUNGE completed");
    }

    // ---- SEARCH -------------------------------------------------------------------------------

    static ImapReply search(ImapSession s, String argument) throws IOException {
        return search(s, false);
    }

    static ImapReply uidSearch(ImapSession s, String argument) throws IOException {
        return search(s, true);
    }

    /** RFC 9051 6.4.4 with ESEARCH's RETURN (RFC 4731) and SEARCHRES's SAVE (RFC 5182). */
    private static ImapReply search(ImapSession s, boolean byUid) throws IOException {
        s.in.sp();
        Set<String> returns = null;
        if (s.in.takeWord("RETURN")) {
            returns = new java.util.LinkedHashSet<>();
            s.in.sp();
            s.in.expect('(');
            for (int i = 0; !s.in.take(')'); i++) {
                if (i > 0) s.in.sp();
                String opt = s.in.atom().toUpperCase(Locale.ROOT);
                if (!Set.of("MIN", "MAX", "ALL", "COUNT", "SAVE").contains(opt)) throw s.in.syntax("unknown RETURN option " + opt);
                returns.add(opt);
            }
            if (returns.isEmpty()) returns.add("ALL");
            s.in.sp();
        }
        SearchKey key = SearchKey.parseProgram(s.in);
        s.in.end();
        List<Long> numbers = new ArrayList<>();
        List<Long> uids = new ArrayList<>();
        long highestModSeq = 0;
        int n = s.known.size();
        long largestUid = n == 0 ? 0 : s.known.get(n - 1);
        List<Long> saved = s.saved;
        for (int i = 0; i < n; i++) {
            long uid = s.known.get(i);
            Folder.Message m = s.message(uid);
            if (m == null) continue;   // expunged by another session, not yet announced
            int number = i + 1;
            SearchKey.Candidate c = new SearchKey.Candidate() {
                @Override public int number() { return number; }
                @Override public Folder.Message message() { return m; }
                @Override public long largestNumber() { return n; }
                @Override public long largestUid() { return largestUid; }
                @Override public List<Long> saved() { return saved; }
                @Override public MessageView view() { return ImapMessageCommands.view(s, m); }
                @Override public MessageView header() { return ImapMessageCommands.header(s, m); }
            };
            if (key.matches(c)) {
                numbers.add((long) number);
                uids.add(uid);
                highestModSeq = Math.max(highestModSeq, m.modSeq());
            }
        }
        List<Long> result = byUid ? uids : numbers;
        boolean modSeq = key.usesModSeq() && !result.isEmpty();
        if (returns == null && !s.rev2) {
            s.untagged("SEARCH" + (result.isEmpty() ? "" : " " + join(result)) + (modSeq ? " (MODSEQ " + highestModSeq + ")" : ""));
            return ImapReply.ok("SEARCH completed");
        }
        if (returns == null) returns = Set.of("ALL");
        if (returns.contains("SAVE")) s.saved = List.copyOf(uids);
        if (returns.size() == 1 && returns.contains("SAVE")) return ImapReply.ok("SEARCH completed, result saved");
        StringBuilder b = new StringBuilder("ESEARCH (TAG ").append(ImapString.string(s.tag)).append(')');
        if (byUid) b.append(" UID");
        if (!result.isEmpty()) {
            if (returns.contains("MIN")) b.append(" MIN ").append(result.get(0));
            if (returns.contains("MAX")) b.append(" MAX ").append(result.get(result.size() - 1));
            if (returns.contains("ALL")) b.append(" ALL ").append(SequenceSet.format(result));
        }
        if (returns.contains("COUNT")) b.append(" COUNT ").append(result.size());
        if (modSeq) b.append(" MODSEQ ").append(highestModSeq);
        s.untagged(b.toString());
        return ImapReply.ok("SEARCH completed");
    }

    private static String join(List<Long> numbers) {
        StringBuilder b = new StringBuilder();
        for (long x : numbers) {
            if (!b.isEmpty()) b.append(' ');
            b.append(x);
        }
        return b.toString();
    }

    /** The parsed message, from the server's shared cache; a store failure is {@code NO [SERVERBUG]}. */
    static MessageView view(ImapSession s, Folder.Message m) {
        Folder f = s.folder;
        return s.storage(() -> s.views.get().get(s.user.name() + "/" + f.name(), f.uidValidity(), m.uid(), m.size(),
                () -> f.content(m.uid())));
    }

    /**
     * The message as sent, for BODY[]: from its cached view, else straight from its file, neither
     * parsed nor cached. mbsync fetches every message so, once each: parsing 10,000 messages to
     * send them whole, and evicting what the cache held for them, would be work for nothing.
     */
    static byte[] whole(ImapSession s, Folder.Message m) {
        Folder f = s.folder;
        return s.storage(() -> {
            MessageView cached = s.views.get().cached(s.user.name() + "/" + f.name(), f.uidValidity(), m.uid());
            if (cached != null) return cached.section(SectionSpec.WHOLE);
            try (java.io.InputStream in = f.content(m.uid())) {
                return in.readAllBytes();
            }
        });
    }

    /** The parsed header alone, cached apart: SEARCH by header fields reads no bodies. */
    static MessageView header(ImapSession s, Folder.Message m) {
        Folder f = s.folder;
        return s.storage(() -> s.views.get().header(s.user.name() + "/" + f.name(), f.uidValidity(), m.uid(), m.size(),
                () -> f.content(m.uid())));
    }

    /** The ENVELOPE from the header alone, cached apart: a FETCH of many envelopes reads no bodies. */
    static String envelope(ImapSession s, Folder.Message m) {
        Folder f = s.folder;
        return s.storage(() -> s.views.get().envelope(s.user.name() + "/" + f.name(), f.uidValidity(), m.uid(),
                () -> f.content(m.uid())));
    }

    // ---- FETCH --------------------------------------------------------------------------------

    static ImapReply fetch(ImapSession s, String argument) throws IOException {
        return fetch(s, false);
    }

    static ImapReply uidFetch(ImapSession s, String argument) throws IOException {
        return fetch(s, true);
    }

    private static ImapReply fetch(ImapSession s, boolean byUid) throws IOException {
        s.in.sp();
        SequenceSet set = s.in.sequenceSet();
        s.in.sp();
        FetchRequest request = FetchRequest.parse(s.in);
        s.in.end();
        if (request.vanished() && (!byUid || !s.qresync)) throw s.in.syntax("VANISHED needs UID FETCH and QRESYNC");
        List<Long> uids = s.resolve(set, byUid);
        if (request.changedSince() >= 0) s.condstore = true;   // RFC 7162 3.1: CONDSTORE-enabling
        if (request.vanished()) {
            List<Long> pairs = new ArrayList<>();
            long top = s.folder.uidNext() - 1;
            long next = 1;
            for (Folder.Message m : s.folder.messages()) {
                if (m.uid() > next) ImapMailboxCommands.addRange(pairs, next, m.uid() - 1, set, top);
                next = m.uid() + 1;
            }
            if (next <= top) ImapMailboxCommands.addRange(pairs, next, top, set, top);
            if (!pairs.isEmpty()) s.untagged("VANISHED (EARLIER) " + ImapMailboxCommands.formatPairs(pairs));
        }
        boolean markSeen = request.setsSeen() && !s.folder.readOnly();
        if (markSeen) {
            List<Long> unseen = new ArrayList<>();
            for (long uid : uids) {
                Folder.Message m = s.message(uid);
                if (m != null && !m.flags().contains(Folder.SEEN)) unseen.add(uid);
            }
            if (!unseen.isEmpty()) s.storage(() -> s.folder.store(unseen, +1, Set.of(Folder.SEEN), -1));
        }
        List<FetchRequest.Item> items = new ArrayList<>(request.items());
        if (byUid && !items.contains(FetchRequest.Simple.UID)) items.add(0, FetchRequest.Simple.UID);
        if (markSeen && !items.contains(FetchRequest.Simple.FLAGS)) items.add(FetchRequest.Simple.FLAGS);
        if (request.changedSince() >= 0 && !items.contains(FetchRequest.Simple.MODSEQ)) {
            items.add(FetchRequest.Simple.MODSEQ);
        }
        int written = 0;
        for (long uid : uids) {
            Folder.Message m = s.message(uid);
            if (m == null) continue;   // expunged elsewhere, not yet announced: nothing to send (RFC 9051 7.5.1)
            if (request.changedSince() >= 0 && m.modSeq() <= request.changedSince()) continue;
            writeFetch(s, s.known.indexOf(uid) + 1, m, items);
            // Stream to the client as we go, so a large FETCH does not pile up in the buffer.
            if (++written % 64 == 0) s.connection.flush();
        }
        return ImapReply.ok((byUid ? "UID FETCH" : "FETCH") + " completed");
    }

    private static void writeFetch(ImapSession s, int number, Folder.Message m, List<FetchRequest.Item> items) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        StringBuilder b = new StringBuilder(96).append("* ").append(number).append(" FETCH (");
        MessageView view = null;
        boolean first = true;
        for (FetchRequest.Item item : items) {
            if (!first) b.append(' ');
            first = false;
            switch (item) {
                case FetchRequest.Simple simple -> {
                    switch (simple) {
                        case UID -> b.append("UID ").append(m.uid());
                        case FLAGS -> b.append("FLAGS ").append(ImapSession.flagList(m.flags()));
                        case INTERNALDATE -> b.append("INTERNALDATE \"").append(INTERNALDATE.format(m.internalDate())).append('"');
                        case RFC822_SIZE -> b.append("RFC822.SIZE ").append(m.size());
                        case MODSEQ -> b.append("MODSEQ (").append(m.modSeq()).append(')');
                        case ENVELOPE -> b.append("ENVELOPE ").append(view != null ? view.envelope() : envelope(s, m));
                        case BODY, BODYSTRUCTURE -> {
                            if (view == null) view = view(s, m);
                            b.append(simple.wire()).append(' ').append(view.bodyStructure(simple == FetchRequest.Simple.BODYSTRUCTURE));
                        }
                        case RFC822, RFC822_HEADER, RFC822_TEXT -> {
                            if (view == null) view = view(s, m);
                            SectionSpec spec = simple == FetchRequest.Simple.RFC822 ? SectionSpec.WHOLE
                                    : new SectionSpec(List.of(), simple == FetchRequest.Simple.RFC822_HEADER
                                    ? SectionSpec.Text.HEADER : SectionSpec.Text.TEXT, List.of());
                            b.append(simple.wire()).append(' ');
                            literal(out, b, view.section(spec), false);
                        }
                    }
                }
                case FetchRequest.Body body -> {
                    byte[] bytes;
                    if (view == null && body.section().equals(SectionSpec.WHOLE)) {
                        bytes = whole(s, m);
                    } else {
                        if (view == null) view = view(s, m);
                        bytes = view.section(body.section());
                    }
                    if (bytes != null && body.partial() != null) bytes = body.partial().of(bytes);
                    b.append("BODY[").append(body.section()).append(']');
                    if (body.partial() != null) b.append(body.partial().suffix());
                    b.append(' ');
                    literal(out, b, bytes, false);
                }
                case FetchRequest.Binary bin -> {
                    if (view == null) view = view(s, m);
                    String part = partPath(bin.part());
                    try {
                        if (bin.size()) {
                            long size = view.binarySize(bin.part());
                            b.append("BINARY.SIZE[").append(part).append("] ").append(size < 0 ? "NIL" : String.valueOf(size));
                        } else {
                            byte[] bytes = view.binary(bin.part());
                            if (bytes != null && bin.partial() != null) bytes = bin.partial().of(bytes);
                            b.append("BINARY[").append(part).append(']');
                            if (bin.partial() != null) b.append(bin.partial().suffix());
                            b.append(' ');
                            literal(out, b, bytes, true);
                        }
                    } catch (UnknownCteException e) {
                        throw new Refusal(ImapReply.no("UNKNOWN-CTE", "cannot decode " + e.encoding()));
                    }
                }
            }
        }
        b.append(")\r\n");
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        byte[] bytes = out.toByteArray();
        s.connection.writeBytes(bytes, 0, bytes.length);
    }

    private static String partPath(List<Integer> part) {
        StringBuilder b = new StringBuilder();
        for (int p : part) {
            if (!b.isEmpty()) b.append('.');
            b.append(p);
        }
        return b.toString();
    }

    /** Moves the text so far and a literal (or NIL) into {@code out}. */
    private static void literal(ByteArrayOutputStream out, StringBuilder b, byte[] bytes, boolean literal8) {
        if (bytes == null) {
            b.append("NIL");
            return;
        }
        b.append(ImapString.literalPrefix(bytes.length, literal8 && hasNul(bytes)));
        out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
        b.setLength(0);
        out.writeBytes(bytes);
    }

    private static boolean hasNul(byte[] bytes) {
        for (byte x : bytes) if (x == 0) return true;
        return false;
    }

    // ---- STORE --------------------------------------------------------------------------------

    static ImapReply store(ImapSession s, String argument) throws IOException {
        return store(s, false);
    }

    static ImapReply uidStore(ImapSession s, String argument) throws IOException {
        return store(s, true);
    }

    /** RFC 9051 6.4.6 with RFC 7162's UNCHANGEDSINCE (MODIFIED for the messages left alone). */
    private static ImapReply store(ImapSession s, boolean byUid) throws IOException {
        s.in.sp();
        SequenceSet set = s.in.sequenceSet();
        s.in.sp();
        long unchangedSince = -1;
        if (s.in.take('(')) {
            if (!s.in.takeWord("UNCHANGEDSINCE")) throw s.in.syntax("unknown STORE modifier");
            s.in.sp();
            unchangedSince = s.in.number();
            s.in.expect(')');
            s.in.sp();
            s.condstore = true;
        }
        int mode = s.in.take('+') ? +1 : s.in.take('-') ? -1 : 0;
        boolean silent;
        if (s.in.takeWord("FLAGS.SILENT")) silent = true;
        else if (s.in.takeWord("FLAGS")) silent = false;
        else throw s.in.syntax("expected FLAGS");
        s.in.sp();
        Set<String> flags;
        if (s.in.peek() == '(') {
            flags = ImapMailboxCommands.flagList(s);
        } else {
            flags = new java.util.LinkedHashSet<>();
            do {
                flags.add(ImapMailboxCommands.flag(s));
            } while (s.in.take(' '));
        }
        s.in.end();
        if (s.folder.readOnly()) return ImapReplies.READ_ONLY;
        List<Long> uids = s.resolve(set, byUid);
        long since = unchangedSince;
        List<Long> leftAlone = uids.isEmpty() ? List.of() : s.storage(() -> s.folder.store(uids, mode, flags, since));
        for (long uid : uids) {
            if (leftAlone.contains(uid)) continue;
            Folder.Message m = s.message(uid);
            if (m == null) continue;
            if (silent && unchangedSince < 0) continue;
            List<String> data = new ArrayList<>();
            if (!silent) data.add("FLAGS " + ImapSession.flagList(m.flags()));
            if (byUid) data.add("UID " + uid);
            if (s.condstore) data.add("MODSEQ (" + m.modSeq() + ")");
            s.untagged((s.known.indexOf(uid) + 1) + " FETCH (" + String.join(" ", data) + ")");
        }
        if (!leftAlone.isEmpty()) {
            List<Long> named = new ArrayList<>();
            for (long uid : leftAlone) named.add(byUid ? uid : s.known.indexOf(uid) + 1L);
            return ImapReply.ok("MODIFIED " + SequenceSet.format(named), "conditional STORE failed for some messages");
        }
        return ImapReply.ok((byUid ? "UID STORE" : "STORE") + " completed");
    }

    // ---- COPY, MOVE ---------------------------------------------------------------------------

    static ImapReply copy(ImapSession s, String argument) throws IOException {
        return transfer(s, false, false);
    }

    static ImapReply uidCopy(ImapSession s, String argument) throws IOException {
        return transfer(s, true, false);
    }

    static ImapReply move(ImapSession s, String argument) throws IOException {
        return transfer(s, false, true);
    }

    static ImapReply uidMove(ImapSession s, String argument) throws IOException {
        return transfer(s, true, true);
    }

    /** COPY (RFC 9051 6.4.7) and MOVE (RFC 6851), with UIDPLUS's COPYUID; the expunges of MOVE follow from the session loop. */
    private static ImapReply transfer(ImapSession s, boolean byUid, boolean move) throws IOException {
        s.in.sp();
        SequenceSet set = s.in.sequenceSet();
        s.in.sp();
        String target = ImapMailboxCommands.mailbox(s);
        s.in.end();
        if (move && s.folder.readOnly()) return ImapReplies.READ_ONLY;
        List<Long> uids = new ArrayList<>();
        for (long uid : s.resolve(set, byUid)) if (s.message(uid) != null) uids.add(uid);
        String verb = (byUid ? "UID " : "") + (move ? "MOVE" : "COPY");
        if (uids.isEmpty()) return ImapReply.ok(verb + " completed, nothing to do");
        Folder.Status targetStatus;
        try {
            targetStatus = s.storage(() -> s.folders.status(target));
        } catch (Refusal r) {
            if (r.reply() == ImapReplies.NO_SUCH_MAILBOX) return ImapReplies.TRY_CREATE;
            throw r;
        }
        List<Long> created = s.storage(() -> move ? s.folder.move(uids, target) : s.folder.copy(uids, target));
        String copyUid = "COPYUID " + targetStatus.uidValidity() + " " + SequenceSet.format(uids) + " " + SequenceSet.format(created);
        if (move) {
            s.untagged("OK [" + copyUid + "] moved");
            return ImapReply.ok(verb + " completed");
        }
        return ImapReply.ok(copyUid, verb + " completed");
    }

    // ---- IDLE ---------------------------------------------------------------------------------

    private static final Object WAKE = new Object();
    private static final Object EOF = new Object();

    /**
     * RFC 2177: after {@code + idling}, the session tells the client of every change as the
     * folder's watch reports it, until the client sends DONE. A virtual thread reads that line
     * meanwhile (the only reader while it runs); the session's own thread writes the updates.
     * The read is bounded by the autologout timer, so an IDLE the client does not renew ends.
     */
    static ImapReply idle(ImapSession s, String argument) throws IOException {
        s.in.end();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        AutoCloseable watch = s.folder == null ? null : s.folder.watch(() -> {
            if (events.isEmpty()) events.offer(WAKE);
        });
        try {
            s.connection.sendLine("+ idling");
            Thread reader = Thread.ofVirtual().name("imap-idle-" + s.connection.id()).start(() -> {
                try {
                    String line = s.connection.readLine();
                    events.offer(line == null ? EOF : line);
                } catch (IOException e) {
                    events.offer(e);
                }
            });
            if (s.phase == ImapSession.Phase.SELECTED) {
                s.sync(true);
                s.connection.flush();
            }
            while (true) {
                Object event;
                try {
                    event = events.take();
                } catch (InterruptedException e) {
                    reader.interrupt();
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while idling");
                }
                if (event == WAKE) {
                    if (s.phase == ImapSession.Phase.SELECTED) {
                        s.sync(true);
                        s.connection.flush();
                    }
                } else if (event instanceof String line) {
                    if (line.strip().equalsIgnoreCase("DONE")) return ImapReply.ok("IDLE terminated");
                    return ImapReply.bad("expected DONE");
                } else if (event instanceof IOException e) {
                    if (e instanceof dev.portico.core.LineTooLongException) return ImapReply.bad("expected DONE");
                    throw e;
                } else {
                    throw new EOFException("connection closed while idling");
                }
            }
        } finally {
            if (watch != null) {
                try {
                    watch.close();
                } catch (Exception e) {
                    // the watch is gone either way
                }
            }
        }
    }
}
