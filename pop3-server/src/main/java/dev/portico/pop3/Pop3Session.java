package dev.portico.pop3;

import dev.portico.core.CommandBudget;
import dev.portico.core.CommandLine;
import dev.portico.core.CommandSession;
import dev.portico.core.CommandTable;
import dev.portico.core.LineConnection;
import dev.portico.core.LogSafe;
import dev.portico.core.Verb;
import dev.portico.core.LineEnding;
import dev.portico.core.LineTooLongException;
import dev.portico.core.Refusal;
import dev.portico.core.auth.User;
import dev.portico.core.mail.Mailbox;
import dev.portico.core.mail.MailboxInUseException;
import dev.portico.core.mail.MessageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One POP3 session (RFC 1939): the state machine AUTHORIZATION → TRANSACTION → UPDATE, the
 * mailbox snapshot it works on, and the marks (deleted, retrieved) that only QUIT applies.
 * Runs on one thread at a time (whichever runs its connection's step), so it needs no locks. Every line goes through
 * {@link Pop3Verb#TABLE}, which applies the states, the TLS requirement and the bad-command budget.
 */
final class Pop3Session implements CommandTable.SessionState<Pop3Session.Phase>, CommandSession {

    /** RFC 1939 §3. UPDATE exists only while QUIT applies the deletions; no command runs in it. */
    enum Phase { AUTHORIZATION, TRANSACTION, UPDATE }

    private static final Logger log = LoggerFactory.getLogger(Pop3Session.class);

    final Pop3Config config;
    final Pop3Server.Shared shared;
    final LineConnection connection;
    /** Every response goes through it: one buffer for the session, one write per response. */
    private final DotStuffingWriter out;
    Phase phase = Phase.AUTHORIZATION;
    /** Name given by USER, waiting for PASS; forgotten by STLS (RFC 2595 §4). */
    String pendingUser;
    private int loginFailures;
    /** Unknown verbs and over-long lines, so garbage cannot go on forever. */
    private final CommandBudget badCommands;

    // TRANSACTION state: the mailbox as it was at login (RFC 1939 numbers messages once per session).
    User user;
    Mailbox mailbox;
    List<MessageInfo> messages = List.of();
    final BitSet deleted = new BitSet();
    /** UIDs sent by RETR or TOP: moved from new/ to cur/ at QUIT. */
    final Set<String> retrieved = new LinkedHashSet<>();

    Pop3Session(Pop3Config config, Pop3Server.Shared shared, LineConnection connection) {
        this.config = config;
        this.shared = shared;
        this.connection = connection;
        this.out = new DotStuffingWriter(connection::writeBytes);
        this.badCommands = new CommandBudget(config.maxUnknownCommands());
    }

    @Override
    public Phase phase() {
        return phase;
    }

    /** USER, PASS and AUTH carry the TLS gate: refused on a plain connection when {@code pop3.tls.required} is set. */
    @Override
    public boolean tlsMissing(Verb<?, Phase, ?> verb) {
        return !plainLoginAllowed();
    }

    @Override
    public CommandBudget badCommands() {
        return badCommands;
    }

    /** Starts the session: the greeting. Its commands then come one {@link #step} at a time, until QUIT, a close, or the end of the stream. */
    Pop3Session open() throws IOException {
        connection.setLineEnding(LineEnding.LENIENT);   // ARCHITECTURE §3.2: POP3 clients send bare LF
        send(Pop3Replies.GREETING);
        return this;
    }

    @Override
    public void end() {
        if (mailbox != null) mailbox.close();
    }

    @Override
    public boolean step() throws IOException {
        Pop3Reply reply;
        try {
            String line = connection.readLine();
            if (line == null) {
                // RFC 1939 §6: without QUIT there is no UPDATE state, so nothing is deleted.
                if (phase == Phase.TRANSACTION) log.info("{} {} dropped the connection: nothing deleted", connection, user.name());
                return false;
            }
            reply = execute(line);
        } catch (LineTooLongException e) {
            reply = Pop3Verb.TABLE.badInput(this, Pop3Replies.LINE_TOO_LONG);
        }
        // A SocketTimeoutException goes up to LineServer: RFC 1939 §3 autologout closes
        // without a response and without entering UPDATE.
        if (reply == null) return true;        // the handler answered itself (STLS)
        reply.writeTo(out);
        // PIPELINING (RFC 2449 §6.6): answers to a batch go out together.
        if (reply.close() || !connection.hasBufferedInput()) connection.flush();
        return !reply.close();
    }

    private Pop3Reply execute(String line) throws IOException {
        CommandLine command = CommandLine.parse(line);
        if (log.isDebugEnabled()) {
            boolean secret = command.verb().equals("PASS") || command.verb().equals("AUTH");
            log.debug("{} < {}", connection, LogSafe.text(secret ? command.verb() + " ***" : line));
        }
        return Pop3Verb.TABLE.dispatch(this, command);
    }

    void send(Pop3Reply reply) throws IOException {
        reply.writeTo(out);
        connection.flush();
    }

    /** Whether USER/PASS and AUTH may run: not on a plain connection when {@code pop3.tls.required} is set. */
    boolean plainLoginAllowed() {
        return !config.tlsRequired() || connection.isSecure();
    }

    /**
     * Checks the password through the shared login guard (which slows failures down), then takes
     * the mailbox lock (RFC 1939 §8). The password array is wiped either way.
     */
    Pop3Reply login(String name, char[] password) throws IOException {
        Optional<User> found;
        try {
            found = shared.logins().login("pop3", connection.remote().getAddress(), accountName(name), password);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (found.isEmpty()) {
            return ++loginFailures >= config.maxLoginFailures() ? Pop3Replies.TOO_MANY_LOGIN_FAILURES : Pop3Replies.AUTH_FAILED;
        }
        User u = found.get();
        Mailbox box;
        try {
            box = shared.mail().open(u.name(), true);
        } catch (MailboxInUseException e) {
            log.info("{} {}: mailbox in use by another session", connection, u.name());
            return Pop3Replies.MAILBOX_IN_USE;
        } catch (IOException e) {
            log.warn("{} {}: cannot open mailbox: {}", connection, u.name(), e.toString());
            return Pop3Replies.MAILBOX_UNAVAILABLE;
        }
        user = u;
        mailbox = box;
        messages = box.messages();
        phase = Phase.TRANSACTION;
        connection.user(u.name());
        return Pop3Reply.ok(dropSummary());
    }

    /** Thunderbird and others often log in with the whole address; a local domain maps to the account. */
    private String accountName(String name) {
        return shared.domains().localPart(name).orElse(name);
    }

    String dropSummary() {
        return "maildrop has " + liveCount() + " messages (" + liveSize() + " octets)";
    }

    int liveCount() {
        return messages.size() - deleted.cardinality();
    }

    long liveSize() {
        long total = 0;
        for (int i = 0; i < messages.size(); i++) if (!deleted.get(i)) total += messages.get(i).size();
        return total;
    }

    /**
     * The index of a message named by its number (1-based, RFC 1939 §5), refusing numbers that
     * are malformed, out of range, or marked deleted.
     */
    int message(String argument) {
        String a = argument.strip();
        if (a.isEmpty() || a.length() > 9 || !a.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Refusal(Pop3Replies.BAD_MESSAGE_NUMBER);
        }
        int n = Integer.parseInt(a);
        if (n < 1 || n > messages.size()) throw new Refusal(Pop3Replies.NO_SUCH_MESSAGE);
        if (deleted.get(n - 1)) throw new Refusal(Pop3Replies.MESSAGE_DELETED);
        return n - 1;
    }

    /**
     * RFC 1939 §6, UPDATE: marks retrieved messages seen (Maildir new/ → cur/), then removes the
     * deleted ones. Seen marks come first and one by one, so a failure leaves a message where it
     * was, never lost.
     */
    Pop3Reply update() {
        phase = Phase.UPDATE;
        Set<String> gone = new LinkedHashSet<>();
        for (int i = deleted.nextSetBit(0); i >= 0; i = deleted.nextSetBit(i + 1)) gone.add(messages.get(i).uid());
        int seen = 0;
        for (String uid : retrieved) {
            if (gone.contains(uid)) continue;
            try {
                mailbox.markSeen(List.of(uid));
                seen++;
            } catch (IOException e) {
                log.warn("{} {}: could not mark {} seen: {}", connection, user.name(), uid, e.toString());
            }
        }
        try {
            mailbox.delete(gone);
        } catch (IOException e) {
            log.warn("{} {}: deleting messages failed: {}", connection, user.name(), e.toString());
            return Pop3Replies.UPDATE_FAILED;
        }
        int left = messages.size() - gone.size();
        log.info("{} {}: QUIT deleted {}, marked {} seen, {} left", connection, user.name(), gone.size(), seen, left);
        return Pop3Reply.ok("Portico POP3 server signing off (" + (left == 0 ? "maildrop empty" : left + " messages left") + ")")
                .thenClose();
    }

    /**
     * The UIDL of a message (RFC 1939 §7: 1 to 70 characters 0x21-0x7E): its Maildir unique name
     * when that fits, which it does for the names our store makes, else a SHA-256 of it, so it
     * is stable across sessions either way.
     */
    static String uidl(MessageInfo m) {
        String uid = m.uid();
        if (printable(uid)) return uid;
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(uid.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Whether a name can be its own UIDL: 1 to 70 characters 0x21-0x7E (a loop: UIDL asks this for every message). */
    private static boolean printable(String uid) {
        int len = uid.length();
        if (len == 0 || len > 70) return false;
        for (int i = 0; i < len; i++) {
            char c = uid.charAt(i);
            if (c < 0x21 || c > 0x7e) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return connection + (user == null ? "" : " " + user.name());
    }
}
