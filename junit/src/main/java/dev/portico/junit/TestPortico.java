package dev.portico.junit;

import dev.portico.core.Reply;
import dev.portico.core.SessionInfo;
import dev.portico.core.Settings;
import dev.portico.core.auth.User;
import dev.portico.core.mail.MaildirMailStore;
import dev.portico.core.mail.MimeView;
import dev.portico.server.Portico;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * One running Portico for tests: the servers chosen on free ports of 127.0.0.1, over a temporary
 * data folder of its own, with users in memory, every received message recorded, and a wire
 * transcript of every session. {@link PorticoExtension} starts and stops these for JUnit; without
 * JUnit, {@code PorticoExtension.builder()...start()} gives one to close with try-with-resources:
 *
 * <pre>{@code
 * try (TestPortico portico = PorticoExtension.builder().smtp().withUser("alice", "secret").start()) {
 *     mailer.send("127.0.0.1", portico.port("smtp"), "alice@localhost");
 *     portico.waitForIncomingMail(1, Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * Thread-safe: a test may read mail while its code under test sends more.
 */
public final class TestPortico implements AutoCloseable {

    /** How long {@link #awaitMessages(int)} waits: mail that is coming comes in milliseconds. */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    private final PorticoExtension.Options options;
    private final Path dir;
    private final Portico portico;
    private final TestUsers users;
    private final MailJournal journal = new MailJournal();
    private final Transcripts transcripts;
    private final RecordingDelivery[] delivery = new RecordingDelivery[1];
    private final ThrottledFileStores[] files = new ThrottledFileStores[1];
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Tests running on this instance now (a per-class instance under parallel methods has several). */
    final AtomicInteger running = new AtomicInteger();
    /** Whether a test ran on it: a per-class instance is reset before every method but the first. */
    volatile boolean used;

    private TestPortico(PorticoExtension.Options options) throws IOException {
        this.options = options;
        this.dir = DataFolders.create();
        this.users = new TestUsers(options.authenticationDisabled());
        this.transcripts = options.transcripts() ? new Transcripts() : null;
        try {
            seed();
            Portico.Builder b = Portico.builder(Settings.of(settings(options, dir)))
                    .users(users)
                    .tls(SharedTls.get())
                    .delivery(d -> delivery[0] = new RecordingDelivery(d, journal))
                    .files(f -> files[0] = new ThrottledFileStores(f));
            if (transcripts != null) b.wireTap(transcripts);
            this.portico = b.start();
        } catch (IOException | RuntimeException e) {
            DataFolders.deleteNow(dir);
            throw e;
        }
    }

    /** Starts a Portico as {@code options} say; the caller closes it. */
    static TestPortico start(PorticoExtension.Options options) throws IOException {
        return new TestPortico(options);
    }

    /** The settings a test Portico runs with: the toolkit's defaults, then the test's own keys. */
    static Map<String, String> settings(PorticoExtension.Options options, Path dir) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bind", "127.0.0.1");
        for (String p : PorticoExtension.PROTOCOLS) s.put(p + ".port", options.protocols().contains(p) ? "0" : "off");
        s.put("ftp.passive.ports", "0");               // parallel instances must not share a port range
        s.put("smtp.auth.plaintext", "true");          // loopback only: clients may AUTH without STARTTLS
        s.put("login.failure-delay", "5ms");           // a test that tries a wrong password must not wait
        s.put("login.max-failure-delay", "20ms");
        s.put("login.ban-after", "1000000");           // nor ban 127.0.0.1 for the tests after it
        s.put("shutdown-grace", "200ms");              // a client left connected must not hold the test up
        if (options.catchAll()) s.put("smtp.catch-all", "true");
        s.putAll(options.settings());
        s.put("data", dir.toString());
        return s;
    }

    /** Users and preloaded files, as configured; also what {@link #reset()} goes back to. */
    private void seed() throws IOException {
        users.clear();
        options.users().forEach(users::put);
        for (PorticoExtension.Seed f : options.files()) {
            new UserFiles(f.user(), home(f.user())).write(f.path(), f.content());
        }
    }

    // ---- where the servers are ---------------------------------------------------------------

    /** The bound port of a listener: {@code "smtp"}, {@code "pop3"}, {@code "ftp"}, {@code "telnet"}, or another one configured. */
    public int port(String listener) {
        return portico.port(listener);
    }

    /** The address every server listens on: {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** Every listener by name with its address. */
    public Map<String, InetSocketAddress> listeners() {
        return portico.listeners();
    }

    /** A client TLS context that trusts exactly this Portico's certificate (STARTTLS, FTPS, POP3S tests). */
    public SSLContext clientSslContext() {
        return portico.tls().clientContext();
    }

    /** The wired servers underneath, for anything this class does not cover. */
    public Portico portico() {
        return portico;
    }

    /** The temporary data folder ({@code files/}, {@code mail/}); deleted after close. */
    public Path dataDir() {
        return dir;
    }

    // ---- mail ---------------------------------------------------------------------------------

    /** Every message the SMTP server accepted since the start or the last purge, oldest first, with its envelope. */
    public List<ReceivedMail> received() {
        return journal.all();
    }

    /** Every accepted message, parsed by Jakarta Mail (a message for three recipients is here once). */
    public List<MimeMessage> receivedMessages() {
        return journal.all().stream().map(ReceivedMail::mimeMessage).toList();
    }

    /** The accepted messages with {@code address} among their envelope recipients (RCPT TO; Bcc included). */
    public List<MimeMessage> receivedMessagesFor(String address) {
        return journal.all().stream().filter(m -> m.isFor(address)).map(ReceivedMail::mimeMessage).toList();
    }

    /** Every accepted message as stored, bytes exact. */
    public List<byte[]> receivedRawMessages() {
        return journal.all().stream().map(ReceivedMail::raw).toList();
    }

    /** The accepted messages for {@code address}, as stored. */
    public List<byte[]> receivedRawMessagesFor(String address) {
        return journal.all().stream().filter(m -> m.isFor(address)).map(ReceivedMail::raw).toList();
    }

    /**
     * Waits until at least {@code count} messages have been accepted since the start or the last
     * purge, at most {@code timeout}; true when they have.
     */
    public boolean waitForIncomingMail(int count, Duration timeout) {
        try {
            return journal.await(count, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until at least {@code count} messages have been accepted since the start or the last
     * purge, at most ten seconds, and returns every one of them decoded ({@code subject()},
     * {@code text()}, {@code html()}, {@code attachment(name)}), oldest first:
     * {@code var mail = portico.awaitMessages(1).get(0);}
     *
     * @throws AssertionError when fewer came in time, saying how many did
     */
    public List<MimeView> awaitMessages(int count) {
        return awaitMessages(count, DEFAULT_WAIT);
    }

    /** {@link #awaitMessages(int)}, waiting at most {@code timeout}. */
    public List<MimeView> awaitMessages(int count, Duration timeout) {
        if (!waitForIncomingMail(count, timeout)) {
            throw new AssertionError("expected " + count + (count == 1 ? " message" : " messages") + " within "
                    + timeout.toMillis() + " ms, " + journal.all().size() + " came");
        }
        return journal.all().stream().map(ReceivedMail::view).toList();
    }

    /** A user's mailbox as it is now in the Maildir (a catch-all mailbox is named by {@code LocalDelivery.catchAllMailbox}). */
    public TestMailbox mailbox(String user) {
        String name = user.toLowerCase(Locale.ROOT);
        MaildirMailStore store = portico.mail();
        return new TestMailbox(store, name, TestMailbox.exists(store, name));
    }

    /**
     * Forgets every received message and empties every mailbox. The files go straight from the
     * Maildirs, also while a POP3 session holds one (its next RETR of them answers {@code -ERR}).
     */
    public void purge() {
        journal.clear();
        Path mail = dir.resolve("mail");
        if (!Files.isDirectory(mail)) return;
        try (Stream<Path> boxes = Files.list(mail)) {
            for (Path box : boxes.toList()) {
                for (String sub : List.of("new", "cur")) {
                    Path d = box.resolve("Maildir").resolve(sub);
                    if (!Files.isDirectory(d)) continue;
                    try (Stream<Path> messages = Files.list(d)) {
                        for (Path m : messages.toList()) Files.deleteIfExists(m);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- files --------------------------------------------------------------------------------

    /** A user's home, the folder FTP and the shell show as {@code /}. */
    public UserFiles files(String user) {
        return new UserFiles(user, home(user));
    }

    /** A file in a user's home as a path on disk: {@code assertThat(portico.file("alice", "report.csv")).hasContent("…")}. */
    public Path file(String user, String path) {
        return files(user).path(path);
    }

    private Path home(String user) {
        String name = user.toLowerCase(Locale.ROOT);
        if (!User.isValidName(name)) throw new IllegalArgumentException("invalid user name: " + user);
        return dir.resolve("files").resolve(name);
    }

    // ---- changes while running ----------------------------------------------------------------

    /** Adds a user who may read and write (or replaces one of that name); effective for the next login. */
    public TestPortico addUser(String name, String password) {
        users.put(name, password);
        return this;
    }

    /** Removes a user; sessions already logged in go on until {@link #closeSessions(String)}. */
    public boolean removeUser(String name) {
        return users.remove(name);
    }

    /** Changes a user's password; effective for the next login. */
    public TestPortico setPassword(String name, String password) {
        users.setPassword(name, password);
        return this;
    }

    /** The users now. */
    public List<String> users() {
        return users.list().stream().map(User::name).toList();
    }

    /** Closes every live session logged in as {@code user}, of every protocol; returns how many. */
    public int closeSessions(String user) {
        int n = 0;
        for (SessionInfo s : portico.sessions().sessions()) {
            if (user.equalsIgnoreCase(s.user()) && portico.sessions().close(s.id())) n++;
        }
        return n;
    }

    /** Closes every live session. */
    public int closeAllSessions() {
        int n = 0;
        for (SessionInfo s : portico.sessions().sessions()) {
            if (portico.sessions().close(s.id())) n++;
        }
        return n;
    }

    /** The live sessions, oldest first. */
    public List<SessionInfo> sessions() {
        return portico.sessions().sessions();
    }

    /**
     * Makes the next {@code count} messages fail at the end of DATA with this reply, e.g.
     * {@code failNextDeliveries(2, 451, "4.3.0 Try again later")} to test a sender's retries; the
     * message after them is delivered. A 4xx is temporary, a 5xx permanent.
     */
    public TestPortico failNextDeliveries(int count, int code, String text) {
        if (code < 400 || code > 599) throw new IllegalArgumentException("a failure reply is 4xx or 5xx, not " + code);
        if (count < 0) throw new IllegalArgumentException("count must not be negative");
        requireSmtp().failNext(count, Reply.of(code, text));
        return this;
    }

    /** Holds every message back this long before answering its DATA (a slow server, for client timeouts); zero to stop. */
    public TestPortico delayDeliveries(Duration delay) {
        requireSmtp().delay(delay);
        return this;
    }

    /**
     * Slows every file read and write of FTP (and the shell) down to {@code bytesPerSecond},
     * transfers already running included; 0 for full speed again.
     */
    public TestPortico slowTransfers(long bytesPerSecond) {
        if (files[0] == null) throw new IllegalStateException("FTP and Telnet do not run here");
        files[0].rate(bytesPerSecond);
        return this;
    }

    private RecordingDelivery requireSmtp() {
        if (delivery[0] == null) throw new IllegalStateException("SMTP does not run here; choose it with smtp()");
        return delivery[0];
    }

    /**
     * Back to the state after start: live sessions closed, mail purged, homes holding only the
     * preloaded files, users as configured, no failing or slow deliveries or transfers. What a
     * per-class lifecycle does between test methods.
     */
    public void reset() {
        closeAllSessions();
        purge();
        if (delivery[0] != null) delivery[0].reset();
        if (files[0] != null) files[0].rate(0);
        DataFolders.deleteNow(dir.resolve("files"));
        try {
            seed();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- transcripts --------------------------------------------------------------------------

    /** A mark for {@link #transcriptSince(long)}. */
    public long transcriptMark() {
        return transcripts == null ? 0 : transcripts.mark();
    }

    /** The wire transcript of every session opened after {@code mark}; empty when transcripts are off. */
    public String transcriptSince(long mark) {
        return transcripts == null ? "" : transcripts.since(mark);
    }

    /** The wire transcript of every session so far (the last 500): {@code C:} what clients sent, {@code S:} the answers. */
    public String transcript() {
        return transcriptSince(0);
    }

    // ---- closing ------------------------------------------------------------------------------

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Stops every server; the data folder is deleted right after, on a thread of its own (at JVM
     * exit at the latest), so that the test does not wait for it.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            portico.close();
        } finally {
            DataFolders.deleteLater(dir);
        }
    }

    @Override
    public String toString() {
        return "Portico for tests " + listeners();
    }
}
