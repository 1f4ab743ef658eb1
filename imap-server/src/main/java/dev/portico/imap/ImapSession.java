package dev.portico.imap;

import dev.portico.core.CommandBudget;
import dev.portico.core.CommandLine;
import dev.portico.core.CommandSession;
import dev.portico.core.CommandTable;
import dev.portico.core.LineConnection;
import dev.portico.core.LineEnding;
import dev.portico.core.LineTooLongException;
import dev.portico.core.LogSafe;
import dev.portico.core.Refusal;
import dev.portico.core.StorageFullException;
import dev.portico.core.Verb;
import dev.portico.core.auth.User;
import dev.portico.core.mail.Folder;
import dev.portico.core.mail.FolderNameException;
import dev.portico.core.mail.MailFolders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One IMAP session (RFC 9051): the states NOT_AUTHENTICATED → AUTHENTICATED ⇄ SELECTED → LOGOUT,
 * the selected folder's view, and what the client has been told of it. Belongs to its
 * connection's virtual thread (IDLE adds one reader thread while it waits). Every command goes
 * through {@link ImapVerb#TABLE}; handlers read their arguments from {@link #in}.
 *
 * <p>The client's message numbers are {@link #known}: the UIDs it has been told of, in order.
 * The folder's snapshot may run ahead of it (a refresh during FETCH sees an expunge the client
 * must not hear of yet), so numbers are always resolved through {@code known}, and expunges and
 * new messages are announced by {@link #sync} only where RFC 9051 7.5.1 allows.
 */
final class ImapSession implements CommandTable.SessionState<ImapSession.Phase>, CommandSession {

    /** RFC 9051 3. */
    enum Phase { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT }

    private static final Logger log = LoggerFactory.getLogger(ImapSession.class);

    final ImapConfig config;
    final ImapServer.Shared shared;
    final LineConnection connection;
    final ImapInput in;
    /** The server's cache of parsed messages, made on first use. */
    final Supplier<MessageViews> views;
    Phase phase = Phase.NOT_AUTHENTICATED;
    /** The tag of the command under way. */
    String tag = "*";
    private final CommandBudget badCommands;
    private int loginFailures;

    User user;
    MailFolders folders;
    /** RFC 5161 ENABLE / RFC 7162: what the client turned on; {@code rev2} drops RECENT and answers SEARCH with ESEARCH. */
    boolean condstore, qresync, rev2;

    // SELECTED state
    Folder folder;
    /** The UIDs the client knows, by message number - 1. */
    final Uids known = new Uids();
    /** RFC 5182 SEARCH RETURN (SAVE): the UIDs {@code $} stands for. */
    List<Long> saved = List.of();

    ImapSession(ImapConfig config, ImapServer.Shared shared, Supplier<MessageViews> views, LineConnection connection) {
        this.config = config;
        this.views = views;
        this.shared = shared;
        this.connection = connection;
        this.in = new ImapInput(connection, config.limits().maxLineLength());
        this.badCommands = new CommandBudget(config.maxUnknownCommands());
    }

    @Override
    public Phase phase() {
        return phase;
    }

    /** LOGIN and AUTHENTICATE carry the TLS gate: LOGINDISABLED where plain logins are not allowed. */
    @Override
    public boolean tlsMissing(Verb<?, Phase, ?> verb) {
        return !plainLoginAllowed();
    }

    @Override
    public CommandBudget badCommands() {
        return badCommands;
    }

    boolean plainLoginAllowed() {
        if (connection.isSecure()) return true;
        return switch (config.plainLogin()) {
            case FALSE -> true;
            case TRUE -> false;
            case LOOPBACK -> connection.remote().getAddress().isLoopbackAddress();
        };
    }

    /**
     * Starts the session: the greeting. Its commands then come one {@link #step} at a time, until
     * LOGOUT, a close, the autologout timer, or the end of the stream.
     */
    ImapSession open() throws IOException {
        connection.setLineEnding(LineEnding.LENIENT);
        connection.sendLine("* OK [CAPABILITY " + ImapAuthCommands.capabilities(this) + "] Portico IMAP server ready");
        return this;
    }

    @Override
    public void end() {
        closeFolder();
    }

    @Override
    public boolean step() throws IOException {
        try {
            ImapReply reply = command();
            if (reply == null) return false;
            if (reply == STARTED_TLS) return true;
            if (!reply.close() && phase == Phase.SELECTED) sync(ImapVerb.mayExpunge(lastVerb));
            connection.writeLine(reply.line(tag));
            if (reply.close() || !connection.hasBufferedInput()) connection.flush();
            return !reply.close();
        } catch (SocketTimeoutException e) {
            // RFC 9051 5.4: the autologout timer; the client is told why.
            log.info("{} autologout after {}", this, e.getMessage());
            connection.closeWith(ImapReplies.AUTOLOGOUT_LINE);
            return false;
        }
    }

    /** Returned by STARTTLS, which answered before the handshake. */
    static final ImapReply STARTED_TLS = ImapReply.ok("");

    private String lastVerb = "";

    /** Reads and runs one command; null at the end of the stream. */
    private ImapReply command() throws IOException {
        tag = "*";
        lastVerb = "";
        ImapReply reply;
        try {
            ImapInput.Head head = in.next();
            if (head == null) {
                if (phase == Phase.SELECTED || phase == Phase.AUTHENTICATED) log.info("{} dropped the connection", this);
                return null;
            }
            tag = head.tag();
            lastVerb = head.verb();
            if (log.isDebugEnabled()) {
                boolean secret = lastVerb.equals("LOGIN") || lastVerb.equals("AUTHENTICATE");
                log.debug("{} < {}", connection, LogSafe.text(secret ? tag + " " + lastVerb + " ***" : in.currentLine()));
            }
            reply = ImapVerb.TABLE.dispatch(this, new CommandLine(lastVerb, ""));
            if (reply == null) return STARTED_TLS;
        } catch (LineTooLongException e) {
            return ImapVerb.TABLE.badInput(this, ImapReplies.LINE_TOO_LONG);
        } catch (ImapInput.NoTag e) {
            tag = "*";
            return ImapVerb.TABLE.badInput(this, ImapReplies.NO_TAG);
        } catch (Refusal r) {
            // a verb that is not an atom, or a literal refused before the table saw the command
            reply = (ImapReply) r.reply();
        }
        if (reply.close()) return reply;
        try {
            in.skipRest();
        } catch (Refusal r) {
            ImapReply skipped = (ImapReply) r.reply();
            if (skipped.close()) return skipped;
        }
        // Syntax errors spend the budget as unknown verbs do (the table spent it for those).
        if (in.syntaxError()) reply = ImapVerb.TABLE.badInput(this, reply);
        return reply;
    }

    // ---- writing ------------------------------------------------------------------------------

    /** Queues one untagged response ({@code * } added). */
    void untagged(String text) throws IOException {
        connection.writeLine("* " + text);
    }

    // ---- logging in ---------------------------------------------------------------------------

    /** Checks the password through the shared login guard, then opens the user's folders. The array is wiped. */
    ImapReply login(String name, char[] password) throws IOException {
        Optional<User> found;
        try {
            found = shared.logins().login("imap", connection.remote().getAddress(), accountName(name), password);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (found.isEmpty()) {
            return ++loginFailures >= config.maxLoginFailures() ? ImapReplies.TOO_MANY_LOGIN_FAILURES : ImapReplies.AUTH_FAILED;
        }
        User u = found.get();
        try {
            folders = shared.mail().folders(u.name());
        } catch (IOException e) {
            log.warn("{} {}: cannot open the folders: {}", connection, u.name(), e.toString());
            return ImapReplies.MAILBOX_UNAVAILABLE;
        }
        user = u;
        phase = Phase.AUTHENTICATED;
        connection.user(u.name());
        return ImapReply.ok("CAPABILITY " + ImapAuthCommands.capabilities(this), "logged in");
    }

    /** Thunderbird and others log in with the whole address; a local domain maps to the account. */
    private String accountName(String name) {
        return shared.domains().localPart(name).orElse(name);
    }

    // ---- the store ----------------------------------------------------------------------------

    /** A call into the mail store. */
    interface StoreCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs a store call; its failures become replies and the session goes on: a missing folder
     * {@code NO [NONEXISTENT]}, a full disk or quota {@code NO [OVERQUOTA]}, anything else
     * {@code NO [SERVERBUG]} (logged).
     */
    <T> T storage(StoreCall<T> call) {
        try {
            return call.call();
        } catch (NoSuchFileException e) {
            throw new Refusal(ImapReplies.NO_SUCH_MAILBOX);
        } catch (FileAlreadyExistsException e) {
            throw new Refusal(ImapReplies.ALREADY_EXISTS);
        } catch (FolderNameException e) {
            throw new Refusal(ImapReply.no("CANNOT", e.getMessage()));
        } catch (DirectoryNotEmptyException e) {
            throw new Refusal(ImapReply.no("INUSE", "mailbox not empty"));
        } catch (IOException e) {
            if (StorageFullException.isFull(e)) {
                log.warn("{} storage full: {}", this, e.toString());
                throw new Refusal(ImapReplies.OVER_QUOTA);
            }
            log.warn("{} mail store failed: {}", this, e.toString());
            throw new Refusal(ImapReplies.STORAGE_FAILED);
        }
    }

    void closeFolder() {
        if (folder != null) {
            folder.close();
            folder = null;
        }
        known.clear();
        saved = List.of();
    }

    // ---- the selected folder ------------------------------------------------------------------

    /** The message with {@code uid} in the folder's snapshot, or null when it is gone. */
    Folder.Message message(long uid) {
        List<Folder.Message> all = folder.messages();
        int lo = 0, hi = all.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long u = all.get(mid).uid();
            if (u < uid) lo = mid + 1;
            else if (u > uid) hi = mid - 1;
            else return all.get(mid);
        }
        return null;
    }

    /**
     * The UIDs a sequence set names, ascending: message numbers ({@code byUid} false, every one
     * must exist, RFC 9051 6.4.4) or UIDs (those that do not exist are left out, 6.4.9).
     */
    List<Long> resolve(SequenceSet set, boolean byUid) {
        if (set.saved()) {
            List<Long> out = new ArrayList<>();
            for (long uid : saved) if (known.indexOf(uid) >= 0) out.add(uid);
            return out;
        }
        // The set's ranges are walked in the ascending UIDs, not every known UID tested against the
        // set: mbsync's UID FETCH of one message per command over 10,000 would cost n² otherwise.
        List<Long> out = new ArrayList<>();
        int n = known.size();
        if (byUid) {
            long largest = n == 0 ? 0 : known.get(n - 1);
            for (long[] r : set.spans(largest)) {
                for (int i = known.lowerBound(r[0]); i < n && known.get(i) <= r[1]; i++) out.add(known.get(i));
            }
            return out;
        }
        if (n == 0 || !set.within(n)) throw new Refusal(ImapReplies.NO_SUCH_MESSAGE);
        for (long[] r : set.spans(n)) {
            for (long i = r[0]; i <= Math.min(r[1], n); i++) out.add(known.get((int) i - 1));
        }
        return out;
    }

    /**
     * Tells the client what changed in the folder since it last heard (RFC 9051 7.5.1, 7.5.2):
     * expunges (as EXPUNGE with the numbers renumbered one by one, or VANISHED under QRESYNC)
     * only when {@code expunges}, then EXISTS for new messages and FETCH FLAGS for changed ones.
     * A store failure is logged and tried again at the next point.
     */
    void sync(boolean expunges) throws IOException {
        if (folder == null) return;
        Folder.Changes changes;
        try {
            changes = folder.refresh();
        } catch (IOException e) {
            log.warn("{} refreshing {} failed: {}", this, LogSafe.text(folder.name()), e.toString());
            return;
        }
        announce(changes, expunges);
    }

    /** Announces what the folder's snapshot holds and the client does not know yet. */
    void announce(Folder.Changes changes, boolean expunges) throws IOException {
        List<Folder.Message> now = folder.messages();
        long lastKnown = known.size() == 0 ? 0 : known.get(known.size() - 1);
        if (expunges && (upTo(now, lastKnown) != known.size() || !changes.expunged().isEmpty())) {
            // Walk both ascending UID lists: the known UIDs missing from the snapshot are gone.
            Uids keep = new Uids();
            List<Long> goneUids = new ArrayList<>();
            List<Integer> goneNumbers = new ArrayList<>();
            int j = 0;
            for (int i = 0; i < known.size(); i++) {
                long uid = known.get(i);
                while (j < now.size() && now.get(j).uid() < uid) j++;
                if (j < now.size() && now.get(j).uid() == uid) {
                    keep.add(uid);
                } else {
                    goneUids.add(uid);
                    goneNumbers.add(i + 1);
                }
            }
            if (!goneUids.isEmpty()) {
                if (qresync) {
                    untagged("VANISHED " + SequenceSet.format(goneUids));
                } else {
                    for (int k = 0; k < goneNumbers.size(); k++) untagged(goneNumbers.get(k) - k + " EXPUNGE");
                }
                known.replaceWith(keep);
            }
        }
        long last = known.size() == 0 ? 0 : known.get(known.size() - 1);
        int before = known.size();
        for (int i = now.size() - 1; i >= 0 && now.get(i).uid() > last; i--) {
            if (i == 0 || now.get(i - 1).uid() <= last) {
                for (int k = i; k < now.size(); k++) known.add(now.get(k).uid());
                break;
            }
        }
        if (known.size() != before) untagged(known.size() + " EXISTS");
        for (Folder.Message m : changes.changed()) {
            int n = known.indexOf(m.uid());
            if (n < 0) continue;
            Folder.Message current = message(m.uid());
            if (current == null) continue;
            untagged((n + 1) + " FETCH (UID " + m.uid() + " FLAGS " + flagList(current.flags())
                    + (condstore ? " MODSEQ (" + current.modSeq() + ")" : "") + ")");
        }
    }

    /** How many of {@code messages} (ascending UIDs) have a UID of at most {@code uid}. */
    private static int upTo(List<Folder.Message> messages, long uid) {
        int lo = 0, hi = messages.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (messages.get(mid).uid() <= uid) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    static String flagList(java.util.Collection<String> flags) {
        return "(" + String.join(" ", flags) + ")";
    }

    /** A growable list of UIDs, ascending. */
    static final class Uids {
        private long[] a = new long[16];
        private int n;

        int size() { return n; }
        long get(int i) { return a[i]; }

        void add(long uid) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = uid;
        }

        void clear() {
            a = new long[16];
            n = 0;
        }

        void replaceWith(Uids other) {
            a = other.a;
            n = other.n;
        }

        /** The index of the first UID at least {@code uid} ({@link #size} when there is none). */
        int lowerBound(long uid) {
            int i = Arrays.binarySearch(a, 0, n, uid);
            return i < 0 ? -i - 1 : i;
        }

        /** The index of {@code uid}, or -1. */
        int indexOf(long uid) {
            int i = Arrays.binarySearch(a, 0, n, uid);
            return i < 0 ? -1 : i;
        }

        List<Long> asList() {
            List<Long> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(a[i]);
            return Collections.unmodifiableList(out);
        }
    }

    @Override
    public String toString() {
        return connection + (user == null ? "" : " " + user.name());
    }
}
