package dev.portico.pop3;

import dev.portico.core.Services;
import dev.portico.core.mail.MaildirMailStore;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import dev.portico.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** A POP3 server on 127.0.0.1, an ephemeral port and a temporary data folder, with raw-wire helpers. */
final class Pop3Fixture implements AutoCloseable {

    static final String ALICE = TestServices.ALICE_PASSWORD;

    /** Base of a test class that starts one server per test in a temporary folder and closes it after. */
    abstract static class PerTest {

        @TempDir Path dir;
        Pop3Fixture pop3;

        Pop3Fixture start(UnaryOperator<Pop3Config> tweak) throws IOException {
            pop3 = Pop3Fixture.start(dir, tweak);
            return pop3;
        }

        @AfterEach
        void stop() {
            if (pop3 != null) pop3.close();
        }
    }

    final Services services;
    final Pop3Server server;

    private Pop3Fixture(Services services, Pop3Server server) {
        this.services = services;
        this.server = server;
    }

    static Pop3Fixture start(Path dir, UnaryOperator<Pop3Config> tweak) throws IOException {
        Services services = TestServices.create(dir);
        Pop3Config config = Pop3Config.defaults().withPort(0)
                .withLimits(Pop3Config.DEFAULT_LIMITS.withShutdownGrace(Duration.ofMillis(500)));
        Pop3Server server = new Pop3Server(services, tweak.apply(config)).start();
        return new Pop3Fixture(services, server);
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
        return ((MaildirMailStore) services.mail()).maildir(user);
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

    @Override
    public void close() {
        server.close();
    }
}
