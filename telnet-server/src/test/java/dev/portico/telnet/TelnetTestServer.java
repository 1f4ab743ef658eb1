package dev.portico.telnet;

import dev.portico.core.Settings;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The module's test fixture, registered with {@code @RegisterExtension}: starts a Telnet server on
 * 127.0.0.1, port 0, over {@link TestServices}, opens clients to it, and after each test closes
 * every client it opened and the server.
 */
final class TelnetTestServer implements AfterEachCallback {

    /** What every test server sets: a free port, and waits short enough for tests. */
    private static final Settings TEST_SETTINGS = Settings.of(
            "telnet.port", "0", "telnet.negotiation-wait", "300ms", "telnet.shutdown-grace", "1s");

    TestServices services;
    TelnetServer server;
    private final List<TelnetPeer> clients = new CopyOnWriteArrayList<>();

    /** Starts a server over new {@link TestServices} in {@code dir}, with extra {@code telnet.*} keys and values. */
    TelnetTestServer start(Path dir, String... settings) throws IOException {
        return start(TestServices.create(dir), settings);
    }

    TelnetTestServer start(TestServices services, String... settings) throws IOException {
        return start(services, shared(services), settings);
    }

    /** Starts a server over {@code shared} (stopping one this test started before). */
    TelnetTestServer start(TestServices services, TelnetServer.Shared shared, String... settings) throws IOException {
        stop();
        this.services = services;
        server = new TelnetServer(config(settings), shared).start();
        return this;
    }

    /** The configuration of a test server, with extra keys and values. */
    static TelnetConfig config(String... settings) {
        return TelnetConfig.from(TEST_SETTINGS.with(Settings.of(settings)));
    }

    /** Everything the shell shares, from the test's services. */
    static TelnetServer.Shared shared(TestServices s) {
        return new TelnetServer.Shared(s.listening(), s.logins(), s.files(), s.mail(), s.domains(), s.users());
    }

    int port() {
        return server.port();
    }

    /** A user's home folder on disk. */
    Path home(String user) {
        return services.dir().resolve("files").resolve(user);
    }

    /** A raw peer at the greeting. */
    TelnetPeer peer(TelnetPeer.Policy policy) throws IOException {
        return opened(new TelnetPeer(port(), policy));
    }

    /** A raw peer logged in and at its first prompt. */
    TelnetPeer loggedIn(TelnetPeer.Policy policy, String user, String password) throws IOException {
        return peer(policy).login(user, password);
    }

    TelnetPeer alice(TelnetPeer.Policy policy) throws IOException {
        return loggedIn(policy, "alice", TestServices.ALICE_PASSWORD);
    }

    /** Commons Net's client at the greeting ({@link TelnetPeer#commonsNet(int, boolean, int)}). */
    TelnetPeer commonsNet(boolean terminal, int width) throws IOException {
        return opened(TelnetPeer.commonsNet(port(), terminal, width));
    }

    /** Commons Net as an 80-column terminal, logged in and at its first prompt. */
    TelnetPeer shell(String user, String password) throws IOException {
        return commonsNet(true, 80).login(user, password);
    }

    private TelnetPeer opened(TelnetPeer client) {
        clients.add(client);
        return client;
    }

    /** Stops the server (a test may, to see what clients get); the next test or {@link #start} may start another. */
    void stop() {
        if (server != null) server.close();
        server = null;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            for (TelnetPeer c : clients) c.close();
        } finally {
            clients.clear();
            stop();
        }
    }
}
