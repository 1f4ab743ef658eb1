package dev.portico.imap;

import dev.portico.core.Settings;
import dev.portico.core.mail.MailStore;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import dev.portico.testing.TestTls;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The JUnit extension of every IMAP socket test: before each test a temporary data folder with
 * the shared test objects ({@link TestServices}), then the test starts a server on 127.0.0.1 and
 * an ephemeral port with the settings it needs; after the test the server is closed and the
 * folder removed. Also the raw-wire and Jakarta Mail helpers the tests share. Register it with
 * {@code @RegisterExtension final ImapFixture imap = new ImapFixture();}.
 */
final class ImapFixture implements BeforeEachCallback, AfterEachCallback {

    static final String ALICE = TestServices.ALICE_PASSWORD;

    private static final String[] BASE = {"imap.port", "0", "imap.shutdown-grace", "500ms"};

    Path dir;
    TestServices services;
    ImapServer server;
    private final List<Store> stores = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("imap-test");
        services = TestServices.create(dir);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (Store s : stores) {
            try {
                s.close();
            } catch (Exception ignored) {
                // the server may be gone already
            }
        }
        close();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) p.toFile().delete();
        }
    }

    /** Starts the server with the test's {@code imap.*} keys and values over {@link #BASE}. */
    ImapFixture start(String... settings) throws IOException {
        return start(services.mail(), settings);
    }

    /** Starts the server on another mail store, e.g. one that fails on purpose. */
    ImapFixture start(MailStore mail, String... settings) throws IOException {
        Settings s = Settings.of(BASE).with(Settings.of(settings));
        ImapConfig config = ImapConfig.from(s);
        s.requireAllKnown();
        server = new ImapServer(config, new ImapServer.Shared(services.listening(), services.tls(), services.logins(),
                mail, services.domains())).start();
        return this;
    }

    int port() {
        return server.port();
    }

    /** A raw connection past the greeting. */
    RawClient raw() throws IOException {
        RawClient c = new RawClient(port());
        String greeting = c.readLine();
        if (greeting == null || !greeting.startsWith("* OK")) throw new AssertionError("greeting: " + greeting);
        return c;
    }

    /** A raw connection logged in as alice. */
    RawClient alice() throws IOException {
        RawClient c = raw();
        command(c, "L1 LOGIN alice " + ALICE);
        return c;
    }

    /** Sends a tagged command and returns every line up to and including its tagged reply, which must be OK. */
    static List<String> command(RawClient c, String line) throws IOException {
        List<String> lines = send(c, line);
        String last = lines.get(lines.size() - 1);
        String tag = line.substring(0, line.indexOf(' '));
        if (!last.startsWith(tag + " OK")) throw new AssertionError(line + " answered " + lines);
        return lines;
    }

    /** Sends a tagged command and returns every line up to and including its tagged reply. */
    static List<String> send(RawClient c, String line) throws IOException {
        c.send(line);
        return until(c, line.substring(0, line.indexOf(' ')));
    }

    /** Reads lines up to and including the one tagged {@code tag}. */
    static List<String> until(RawClient c, String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            String l = c.readLine();
            if (l == null) throw new IOException("closed; got " + lines);
            lines.add(l);
            if (l.startsWith(tag + " ")) return lines;
        }
        throw new AssertionError("no tagged reply");
    }

    void deliver(String user, String message) throws IOException {
        services.mail().deliver(List.of(user), new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }

    static String message(String subject, String body) {
        return "From: bob@localhost\r\nTo: alice@localhost\r\nSubject: " + subject
                + "\r\nDate: Wed, 2 Dec 2026 08:00:00 +0000\r\nMessage-ID: <" + subject.hashCode() + "@localhost>\r\n\r\n" + body + "\r\n";
    }

    /** A Jakarta Mail store logged in as alice, over plain IMAP or IMAPS ({@code imaps} needs the implicit port). */
    Store store(String protocol) throws Exception {
        Properties p = new Properties();
        p.put("mail." + protocol + ".host", "127.0.0.1");
        p.put("mail." + protocol + ".port", String.valueOf(protocol.equals("imaps") ? server.implicitPort() : port()));
        p.put("mail." + protocol + ".connectiontimeout", "5000");
        p.put("mail." + protocol + ".timeout", "5000");
        if (Boolean.getBoolean("imap.test.debug")) p.put("mail.debug", "true");
        if (protocol.equals("imaps")) p.put("mail.imaps.ssl.socketFactory", TestTls.CLIENT.getSocketFactory());
        Store s = Session.getInstance(p).getStore(protocol);
        s.connect("alice", ALICE);
        stores.add(s);
        return s;
    }

    void awaitNoSessions() {
        await(() -> services.sessions().size() == 0, "sessions to end");
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    void close() {
        if (server != null) server.close();
    }
}
