package dev.portico.telnet;

import dev.portico.core.Services;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A Telnet server on 127.0.0.1, port 0, over {@link TestServices}, for one test. */
final class TelnetTestServer implements AutoCloseable {

    /** Base of a test class with a temporary folder and (when a test starts one) a server closed after each test. */
    abstract static class PerTest {

        @TempDir Path dir;
        TelnetTestServer portico;

        @AfterEach
        void stopServer() {
            if (portico != null) portico.close();
        }
    }

    final Services services;
    final TelnetServer server;

    private TelnetTestServer(Services services, TelnetServer server) {
        this.services = services;
        this.server = server;
    }

    static TelnetTestServer start(Path dir) throws IOException {
        return start(dir, c -> c);
    }

    static TelnetTestServer start(Path dir, UnaryOperator<TelnetConfig> tweak) throws IOException {
        return start(TestServices.create(dir), tweak);
    }

    static TelnetTestServer start(Services services, UnaryOperator<TelnetConfig> tweak) throws IOException {
        TelnetConfig config = tweak.apply(TelnetConfig.defaults().withPort(0).withNegotiationWait(Duration.ofMillis(300))
                .withLimits(TelnetConfig.DEFAULT_LIMITS.withShutdownGrace(Duration.ofSeconds(1))));
        return new TelnetTestServer(services, new TelnetServer(services, config).start());
    }

    int port() {
        return server.port();
    }

    Path home(String user) {
        return services.dataDir().resolve("files").resolve(user);
    }

    TelnetPeer peer(TelnetPeer.Policy policy) throws IOException {
        return new TelnetPeer(port(), policy);
    }

    /** A raw peer logged in and at its first prompt. */
    TelnetPeer loggedIn(TelnetPeer.Policy policy, String user, String password) throws IOException {
        TelnetPeer p = peer(policy);
        p.readUntil(TelnetReplies.LOGIN_PROMPT);
        p.line(user);
        p.readUntil(TelnetReplies.PASSWORD_PROMPT);
        p.line(password);
        p.readUntil(TelnetReplies.PROMPT_END);
        return p;
    }

    TelnetPeer alice(TelnetPeer.Policy policy) throws IOException {
        return loggedIn(policy, "alice", TestServices.ALICE_PASSWORD);
    }

    @Override
    public void close() {
        server.close();
    }
}
