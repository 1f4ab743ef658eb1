package dev.portico.junit;

import dev.portico.core.ConfigException;
import dev.portico.core.SessionInfo;
import dev.portico.core.Settings;
import dev.portico.core.mail.MimeView;
import dev.portico.server.Portico;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * Portico's SMTP, POP3, FTP and Telnet servers inside JUnit 5 tests, on free ports of 127.0.0.1,
 * each run over a temporary data folder of its own:
 *
 * <pre>{@code
 * @RegisterExtension
 * static PorticoExtension portico = PorticoExtension.builder().withUser("alice", "secret").build();
 *
 * @Test void sendsTheReport() throws Exception {
 *     new ReportMailer("127.0.0.1", portico.port("smtp")).send("alice@localhost");   // your code
 *     assertThat(portico.awaitMessages(1).get(0).subject()).isEqualTo("Report");
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> {@link Builder#perMethod()} (the default) starts a Portico before each test
 * method and stops it after; {@link Builder#perClass()} starts one for the class (and its
 * {@code @Nested} classes, which share it) and puts it back to its starting state between
 * methods ({@link TestPortico#reset()}: sessions closed, mail purged, homes and users as
 * configured), so what a {@code @BeforeAll} method adds is seen by the first method only. A start after the first in a JVM takes a few milliseconds: the TLS key is made once.
 *
 * <p><b>Parallel tests.</b> Every method of this class acts on the Portico of the test running on
 * the calling thread (and on threads it starts), so one {@code static} extension serves test
 * methods running at once under {@code junit.jupiter.execution.parallel.enabled}: per method,
 * each has a Portico of its own. A per-class Portico is shared by methods running at once; it is
 * reset only before a method that starts while no other runs, so such tests tell their mail apart
 * by recipient ({@link #receivedMessagesFor}).
 *
 * <p><b>Transcripts.</b> When a test fails, the wire transcript of every session it opened is
 * printed to standard error and published as the report entry {@code portico-transcript}.
 *
 * <p>Without JUnit: {@code try (TestPortico p = PorticoExtension.builder().smtp().start()) {…}}.
 */
public final class PorticoExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** The servers a test can choose, in start order. */
    static final List<String> PROTOCOLS = List.of("telnet", "ftp", "smtp", "pop3", "imap");

    /** When Portico starts and stops. */
    public enum Lifecycle {
        /** A fresh Portico for every test method (the default). */
        PER_METHOD,
        /** One Portico for the test class and its nested classes, reset before each method. */
        PER_CLASS
    }

    /** A file put into a user's home before the servers start (and again at each reset). */
    record Seed(String user, String path, byte[] content) {}

    /** Everything the builder collected; immutable. */
    record Options(Set<String> protocols, Lifecycle lifecycle, Map<String, String> settings, Map<String, String> users,
                   List<Seed> files, boolean catchAll, boolean authenticationDisabled, boolean transcripts) {}

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PorticoExtension.class);
    private static final String TRANSCRIPT_ENTRY = "portico-transcript";

    private final Options options;
    /** Every Portico of this extension that runs now (several under parallel methods). */
    private final Set<TestPortico> live = ConcurrentHashMap.newKeySet();
    /** The Portico of the test running on this thread; threads the test starts inherit it. */
    private final InheritableThreadLocal<TestPortico> current = new InheritableThreadLocal<>();

    private PorticoExtension(Options options) {
        this.options = options;
    }

    /** Starts configuring: every server unless some are chosen, per-method lifecycle, strict mail and logins. */
    public static Builder builder() {
        SharedTls.prepare();     // make the TLS key while JUnit is still discovering tests
        return new Builder();
    }

    // ---- JUnit callbacks ----------------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) {
        if (options.lifecycle() == Lifecycle.PER_CLASS) {
            // A @Nested class finds its enclosing class's Portico in the store and shares it.
            current.set(classInstance(context));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        current.remove();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        TestPortico p;
        if (options.lifecycle() == Lifecycle.PER_CLASS) {
            // Also reached without beforeAll: an extension in an instance field sees only method callbacks.
            p = classInstance(context.getParent().orElse(context));
            synchronized (p) {
                // Between methods, not before the first: what @BeforeAll set up is there for it.
                if (p.running.getAndIncrement() == 0 && p.used) p.reset();
                p.used = true;
            }
        } else {
            p = start();
            context.getStore(NAMESPACE).put(key("method"), new Running(p, this));
            p.running.incrementAndGet();
        }
        context.getStore(NAMESPACE).put(key("mark"), p.transcriptMark());
        current.set(p);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestPortico p = current.get();
        try {
            if (p != null && context.getExecutionException().isPresent()) {
                Long mark = context.getStore(NAMESPACE).get(key("mark"), Long.class);
                publishTranscript(context, p.transcriptSince(mark == null ? 0 : mark));
            }
        } finally {
            if (p != null) p.running.decrementAndGet();
            if (options.lifecycle() == Lifecycle.PER_METHOD && p != null) {
                stop(p);
                current.remove();
            } else {
                // back to the class's Portico (or nothing) for @AfterAll and the next method on this thread
                current.set(p);
            }
        }
    }

    private static void publishTranscript(ExtensionContext context, String transcript) {
        if (transcript.isEmpty()) return;
        String title = "Portico wire transcript of " + context.getDisplayName() + " (C: client, S: server)";
        context.publishReportEntry(TRANSCRIPT_ENTRY, transcript);
        // Standard error reaches the build's console and Surefire's report of the failed test.
        byte[] text = (title + "\n" + transcript).getBytes(StandardCharsets.UTF_8);
        System.err.write(text, 0, text.length);
        System.err.flush();
    }

    private String key(String what) {
        return what + "@" + System.identityHashCode(this);
    }

    /** The class-level Portico: found in this context's store or an enclosing one, else started here. */
    private TestPortico classInstance(ExtensionContext classContext) {
        Running r = classContext.getStore(NAMESPACE).getOrComputeIfAbsent(key("class"), k -> {
            try {
                return new Running(start(), this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Running.class);
        return r.portico;
    }

    private TestPortico start() throws IOException {
        TestPortico p = TestPortico.start(options);
        live.add(p);
        return p;
    }

    private void stop(TestPortico p) {
        live.remove(p);
        p.close();
    }

    /** Stops its Portico when JUnit closes the context it was stored in (the class's, or the method's). */
    @SuppressWarnings("deprecation")   // CloseableResource for JUnit before 5.13, AutoCloseable for 5.13 and later
    private record Running(TestPortico portico, PorticoExtension owner)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            owner.stop(portico);
        }
    }

    /**
     * The Portico the calling thread works with: the running test's, else the only one running.
     *
     * @throws IllegalStateException when none runs, or several and none belongs to this thread
     */
    public TestPortico get() {
        TestPortico mine = current.get();
        if (mine != null && !mine.isClosed()) return mine;
        List<TestPortico> running = new ArrayList<>(live);
        if (running.size() == 1) return running.get(0);
        if (running.isEmpty()) {
            throw new IllegalStateException("no Portico runs: use the extension inside a test "
                    + "(@RegisterExtension static PorticoExtension ...), or start() one");
        }
        throw new IllegalStateException(running.size() + " Porticos run and none belongs to this thread "
                + Thread.currentThread().getName() + ": call it from the test's thread");
    }

    // ---- the running Portico's API, for the calling test ---------------------------------------

    /** @see TestPortico#port(String) */
    public int port(String listener) { return get().port(listener); }
    /** @see TestPortico#host() */
    public String host() { return get().host(); }
    /** @see TestPortico#listeners() */
    public Map<String, InetSocketAddress> listeners() { return get().listeners(); }
    /** @see TestPortico#clientSslContext() */
    public SSLContext clientSslContext() { return get().clientSslContext(); }
    /** @see TestPortico#portico() */
    public Portico portico() { return get().portico(); }
    /** @see TestPortico#dataDir() */
    public Path dataDir() { return get().dataDir(); }
    /** @see TestPortico#received() */
    public List<ReceivedMail> received() { return get().received(); }
    /** @see TestPortico#receivedMessages() */
    public List<MimeMessage> receivedMessages() { return get().receivedMessages(); }
    /** @see TestPortico#receivedMessagesFor(String) */
    public List<MimeMessage> receivedMessagesFor(String address) { return get().receivedMessagesFor(address); }
    /** @see TestPortico#receivedRawMessages() */
    public List<byte[]> receivedRawMessages() { return get().receivedRawMessages(); }
    /** @see TestPortico#receivedRawMessagesFor(String) */
    public List<byte[]> receivedRawMessagesFor(String address) { return get().receivedRawMessagesFor(address); }
    /** @see TestPortico#waitForIncomingMail(int, Duration) */
    public boolean waitForIncomingMail(int count, Duration timeout) { return get().waitForIncomingMail(count, timeout); }
    /** @see TestPortico#awaitMessages(int) */
    public List<MimeView> awaitMessages(int count) { return get().awaitMessages(count); }
    /** @see TestPortico#awaitMessages(int, Duration) */
    public List<MimeView> awaitMessages(int count, Duration timeout) { return get().awaitMessages(count, timeout); }
    /** @see TestPortico#mailbox(String) */
    public TestMailbox mailbox(String user) { return get().mailbox(user); }
    /** @see TestPortico#purge() */
    public void purge() { get().purge(); }
    /** @see TestPortico#files(String) */
    public UserFiles files(String user) { return get().files(user); }
    /** @see TestPortico#file(String, String) */
    public Path file(String user, String path) { return get().file(user, path); }
    /** @see TestPortico#addUser(String, String) */
    public TestPortico addUser(String name, String password) { return get().addUser(name, password); }
    /** @see TestPortico#removeUser(String) */
    public boolean removeUser(String name) { return get().removeUser(name); }
    /** @see TestPortico#setPassword(String, String) */
    public TestPortico setPassword(String name, String password) { return get().setPassword(name, password); }
    /** @see TestPortico#users() */
    public List<String> users() { return get().users(); }
    /** @see TestPortico#closeSessions(String) */
    public int closeSessions(String user) { return get().closeSessions(user); }
    /** @see TestPortico#sessions() */
    public List<SessionInfo> sessions() { return get().sessions(); }
    /** @see TestPortico#failNextDeliveries(int, int, String) */
    public TestPortico failNextDeliveries(int count, int code, String text) { return get().failNextDeliveries(count, code, text); }
    /** @see TestPortico#delayDeliveries(Duration) */
    public TestPortico delayDeliveries(Duration delay) { return get().delayDeliveries(delay); }
    /** @see TestPortico#slowTransfers(long) */
    public TestPortico slowTransfers(long bytesPerSecond) { return get().slowTransfers(bytesPerSecond); }
    /** @see TestPortico#reset() */
    public void reset() { get().reset(); }
    /** @see TestPortico#transcript() */
    public String transcript() { return get().transcript(); }

    // ---- configuration ------------------------------------------------------------------------

    /** Collects a configuration; {@link #build()} checks it. Not thread-safe (used in a field initializer). */
    public static final class Builder {
        private final Set<String> protocols = new LinkedHashSet<>();
        private Lifecycle lifecycle = Lifecycle.PER_METHOD;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, String> users = new LinkedHashMap<>();
        private final List<Seed> files = new ArrayList<>();
        private boolean catchAll;
        private boolean authenticationDisabled;
        private boolean transcripts = true;

        private Builder() {}

        /** Runs SMTP (listener {@code smtp}). Choosing any server runs only the chosen ones; choosing none runs all. */
        public Builder smtp() { protocols.add("smtp"); return this; }
        /** Runs POP3 (listener {@code pop3}). */
        public Builder pop3() { protocols.add("pop3"); return this; }
        /** Runs IMAP (listener {@code imap}). */
        public Builder imap() { protocols.add("imap"); return this; }
        /** Runs FTP (listener {@code ftp}; passive data ports chosen by the OS). */
        public Builder ftp() { protocols.add("ftp"); return this; }
        /** Runs the Telnet shell (listener {@code telnet}). */
        public Builder telnet() { protocols.add("telnet"); return this; }

        /** A fresh Portico for every test method (the default). */
        public Builder perMethod() { lifecycle = Lifecycle.PER_METHOD; return this; }
        /** One Portico for the class and its {@code @Nested} classes, reset before each method. */
        public Builder perClass() { lifecycle = Lifecycle.PER_CLASS; return this; }
        /** Either lifecycle. */
        public Builder lifecycle(Lifecycle l) { lifecycle = Objects.requireNonNull(l); return this; }

        /**
         * A user who may read and write: an FTP, POP3 and shell login, a mailbox
         * {@code name@localhost} and a home. Names are lower-case letters, digits, {@code . _ -}.
         */
        public Builder withUser(String name, String password) {
            users.put(Objects.requireNonNull(name), Objects.requireNonNull(password));
            return this;
        }

        /** A file in a user's home before the servers start, UTF-8. */
        public Builder withFile(String user, String path, String content) {
            return withFile(user, path, content.getBytes(StandardCharsets.UTF_8));
        }

        /** A file in a user's home before the servers start. */
        public Builder withFile(String user, String path, byte[] content) {
            files.add(new Seed(Objects.requireNonNull(user), Objects.requireNonNull(path), content.clone()));
            return this;
        }

        /**
         * Any configuration key of {@code portico.properties} (the README's table), e.g.
         * {@code with("smtp.max-message-size", "1M")}; {@link #build()} refuses an unknown key or a
         * bad value, naming the nearest known key. Ports are chosen by the toolkit unless set here.
         */
        public Builder with(String key, String value) {
            settings.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /**
         * Accepts mail for every address of every domain and makes the mailbox on first delivery,
         * as GreenMail does: {@code bob@example.org} lands in mailbox {@code bob}. By default only
         * users of {@code localhost} (and postmaster) get mail, as on a real server.
         */
        public Builder catchAll() { catchAll = true; return this; }

        /**
         * Any user name with any password logs in (POP3, FTP, SMTP AUTH, the shell); a name written
         * as an address logs in to its catch-all mailbox. By default only the users given here log
         * in, with their passwords.
         */
        public Builder authenticationDisabled() { authenticationDisabled = true; return this; }

        /** Records no wire transcripts (they cost a little per byte, and a failing test prints none). */
        public Builder withoutTranscripts() { transcripts = false; return this; }

        /** The extension; the configuration is checked now, so a typo fails the class, not every test. */
        public PorticoExtension build() {
            Options o = options();
            checkSettings(o);
            return new PorticoExtension(o);
        }

        /**
         * Starts a Portico now, without JUnit; close it when done (try-with-resources). The start
         * reads and checks every key itself, so they are not checked twice here.
         */
        public TestPortico start() throws IOException {
            return TestPortico.start(options());
        }

        private Options options() {
            Set<String> chosen = protocols.isEmpty() ? new LinkedHashSet<>(PROTOCOLS) : new LinkedHashSet<>(protocols);
            Options o = new Options(Set.copyOf(chosen), lifecycle, Map.copyOf(settings), Map.copyOf(users),
                    List.copyOf(files), catchAll, authenticationDisabled, transcripts);
            check(o);
            return o;
        }

        private static void checkSettings(Options o) {
            try {
                Portico.check(Settings.of(TestPortico.settings(o, Path.of("portico-test"))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void check(Options o) {
            if (o.settings().containsKey("data")) {
                throw new ConfigException("data", "a test Portico always runs over a temporary data folder of its own");
            }
            for (String user : o.users().keySet()) new TestUsers(false).put(user, "");   // refuses a bad name now
            for (Seed f : o.files()) new UserFiles(f.user(), Path.of("/home").resolve(f.user())).path(f.path());
        }
    }
}
