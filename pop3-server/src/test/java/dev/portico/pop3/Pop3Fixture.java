package dev.portico.pop3;

import dev.portico.core.Settings;
import dev.portico.core.mail.MailStore;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import dev.portico.testing.TestTls;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JUnit extension of every POP3 socket test: before each test a temporary data folder with
 * the shared test objects ({@link TestServices}), then the test starts a server on 127.0.0.1 and
 * an ephemeral port with the settings it needs; after the test the server is closed and the
 * folder removed. Also the raw-wire helpers the tests share. Register it with
 * {@code @RegisterExtension final Pop3Fixture pop3 = new Pop3Fixture();}.
 */
final class Pop3Fixture implements BeforeEachCallback, AfterEachCallback {

    static final String ALICE = TestServices.ALICE_PASSWORD;

    /** What every test server gets unless the test says otherwise: any free port, a short shutdown. */
    private static final String[] BASE = {"pop3.port", "0", "pop3.shutdown-grace", "500ms"};

    Path dir;
    TestServices services;
    Pop3Server server;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("pop3-test");
        services = TestServices.create(dir);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        close();
        // Best effort, like @TempDir: a session thread may still be releasing its mailbox.
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) p.toFile().delete();
        }
    }

    /** Starts the server with the test's {@code pop3.*} keys and values over {@link #BASE}. */
    Pop3Fixture start(String... settings) throws IOException {
        return start(services.mail(), settings);
    }

    /** Starts the server on another mail store, e.g. one that fails on purpose. */
    Pop3Fixture start(MailStore mail, String... settings) throws IOException {
        Settings s = Settings.of(BASE).with(Settings.of(settings));
        Pop3Config config = Pop3Config.from(s);
        s.requireAllKnown();   // a misspelled key in a test must fail, not be ignored
        server = new Pop3Server(config, new Pop3Server.Shared(services.listening(), services.tls(), services.logins(),
                mail, services.domains())).start();
        return this;
    }

    int port() {
        return server.port();
    }

    /** A raw connection past the greeting. */
    RawClient raw() throws IOException {
        RawClient c = new RawClient(port());
        c.expect(Pop3Replies.GREETING.line());
        return c;
    }

    /** A raw connection logged in as alice (USER/PASS). */
    RawClient alice() throws IOException {
        RawClient c = raw();
        login(c);
        return c;
    }

    static void login(RawClient c) throws IOException {
        c.send("USER alice").expect("+OK");
        c.send("PASS " + ALICE).expect("+OK maildrop has");
    }

    void deliver(String user, byte[] message) throws IOException {
        services.mail().deliver(List.of(user), new ByteArrayInputStream(message));
    }

    void deliver(String user, String message) throws IOException {
        deliver(user, message.getBytes(StandardCharsets.UTF_8));
    }

    Path maildir(String user) {
        return services.mail().maildir(user);
    }

    /** Waits (bounded) until every session of this server is gone, i.e. its mailbox lock is released. */
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

    /** Reads the lines of a multi-line body up to the terminating dot, un-stuffed. */
    static List<String> readBody(RawClient c) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            String line = c.readLine();
            if (line == null) throw new IOException("closed inside a multi-line response");
            if (line.equals(".")) return lines;
            lines.add(line.startsWith(".") ? line.substring(1) : line);
        }
        throw new AssertionError("body too long");
    }

    /**
     * Reads a multi-line body as raw bytes straight from the socket (RawClient does not buffer),
     * un-stuffed, every line ending kept as sent.
     */
    static byte[] readBodyBytes(RawClient c) throws IOException {
        InputStream in = c.socket().getInputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (long i = 0; i < 100_000_000L; i++) {
            int b = in.read();
            if (b < 0) throw new IOException("closed inside a multi-line response");
            line.write(b);
            if (b != '\n') continue;
            byte[] l = line.toByteArray();
            line.reset();
            if (l.length == 3 && l[0] == '.' && l[1] == '\r') return body.toByteArray();
            int skip = l[0] == '.' ? 1 : 0;
            body.write(l, skip, l.length - skip);
        }
        throw new AssertionError("body too long");
    }

    /** Trusts exactly the test server certificate, for Commons Net's POP3SClient. */
    static TrustManager trustManager() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("portico", TestTls.SERVER.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf.getTrustManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server (also done after each test). */
    void close() {
        if (server != null) server.close();
    }
}
