package dev.portico.ftp;

import dev.portico.core.Settings;
import dev.portico.core.fs.FileStores;
import dev.portico.core.tls.Tls;
import dev.portico.testing.TestServices;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The FTP tests' one fixture, registered with {@code @RegisterExtension}: a real {@link FtpServer}
 * on 127.0.0.1 and an ephemeral port, built like the launcher builds it, from
 * {@link TestServices} (users alice, read-write, and bob, read-only) and
 * {@link FtpConfig#from(Settings)}, under a fresh data folder per test ({@link #dir}). The test
 * settings are a data timeout of 5 s and passive ports from the OS; a test adds its own keys.
 * After each test it disconnects every client it connected, stops the server and deletes the folder.
 */
final class FtpTestServer implements BeforeEachCallback, AfterEachCallback {

    /** What every test server runs with, before the test's own keys. */
    private static final List<String> TEST_SETTINGS = List.of("ftp.port", "0", "ftp.data-timeout", "5s", "ftp.passive.ports", "0");

    private final String[] startBeforeEach;
    private final List<FTPClient> clients = new CopyOnWriteArrayList<>();
    /** The test's data folder: users, {@code files/NAME} homes, {@code anonymous}. */
    Path dir;
    TestServices services;
    FtpServer server;
    /** Null, or the TLS identity the server uses instead of the shared test one. */
    private Tls tls;

    /** A fixture whose tests start the server themselves, each with its own settings. */
    FtpTestServer() {
        this.startBeforeEach = null;
    }

    private FtpTestServer(String[] settings) {
        this.startBeforeEach = settings;
    }

    /** A fixture whose server runs with these settings before each test starts. */
    static FtpTestServer started(String... settings) {
        return new FtpTestServer(settings);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("portico-ftp-test");
        if (startBeforeEach != null) start(startBeforeEach);
    }

    /**
     * Moves the test's data folder to {@code data} (on a {@code FullDisk}, say) before the server
     * starts; it is deleted after the test like the default one.
     */
    FtpTestServer dataFolder(Path data) throws IOException {
        if (server != null) throw new IllegalStateException("the server of this test runs already");
        Files.deleteIfExists(dir);
        dir = Files.createDirectories(data);
        return this;
    }

    /** Makes the server use {@code tls} (one read from files, to be reloaded) instead of the shared test identity. */
    FtpTestServer tls(Tls tls) {
        this.tls = tls;
        return this;
    }

    /** Starts the server with the test settings and {@code settings} ({@code "ftp.anonymous", "true"}). */
    FtpTestServer start(String... settings) throws IOException {
        return start(UnaryOperator.identity(), settings);
    }

    /** Starts the server with the file stores {@code files} makes of the real ones: where tests inject faults. */
    FtpTestServer start(UnaryOperator<FileStores> files, String... settings) throws IOException {
        if (server != null) throw new IllegalStateException("the server of this test runs already");
        services = TestServices.create(dir);
        Settings s = Settings.of(TEST_SETTINGS.toArray(String[]::new)).with("data", dir.toString()).with(Settings.of(settings));
        FtpConfig config = FtpConfig.from(s);
        s.requireAllKnown();   // a misspelled key in a test fails it rather than testing the defaults
        server = new FtpServer(config, new FtpServer.Shared(services.listening(), tls != null ? tls : services.tls(), services.logins(),
                files.apply(services.files()))).start();
        return this;
    }

    int port() {
        return server.port();
    }

    Path home(String user) throws IOException {
        return Files.createDirectories(dir.resolve("files").resolve(user));
    }

    Path write(String user, String name, String content) throws IOException {
        Path p = home(user).resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content, StandardCharsets.UTF_8);
    }

    FTPClient client() throws IOException {
        return connect(new FTPClient(), port());
    }

    <C extends FTPClient> C connect(C c, int port) throws IOException {
        return connect(c, "127.0.0.1", port);
    }

    /** Sets test timeouts and UTF-8 on {@code c}, connects it, and disconnects it after the test. */
    <C extends FTPClient> C connect(C c, String host, int port) throws IOException {
        c.setDefaultTimeout(10_000);
        c.setConnectTimeout(5_000);
        c.setDataTimeout(Duration.ofSeconds(10));
        c.setControlEncoding("UTF-8");
        clients.add(c);
        c.connect(host, port);
        return c;
    }

    FTPClient alice() throws IOException {
        return login("alice", TestServices.ALICE_PASSWORD);
    }

    FTPClient bob() throws IOException {
        return login("bob", TestServices.BOB_PASSWORD);
    }

    /** A connected client logged in, in passive and binary mode. */
    FTPClient login(String user, String password) throws IOException {
        FTPClient c = client();
        assertThat(c.login(user, password)).as("login " + user).isTrue();
        c.enterLocalPassiveMode();
        c.setFileType(FTP.BINARY_FILE_TYPE);
        return c;
    }

    static void quietly(FTPClient c) {
        if (c == null) return;
        try {
            if (c.isConnected()) c.disconnect();
        } catch (IOException ignored) {
            // test clean-up
        }
    }

    /** Disconnects the clients, then stops the server (transfers get the shutdown grace). */
    void close() {
        clients.forEach(FtpTestServer::quietly);
        clients.clear();
        if (server != null) server.close();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        close();
        server = null;
        if (dir == null) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
        dir = null;
    }
}
