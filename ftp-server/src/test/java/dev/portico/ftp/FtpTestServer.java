package dev.portico.ftp;

import dev.portico.core.Services;
import dev.portico.testing.TestServices;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real FtpServer on 127.0.0.1, an ephemeral port, test users alice (read-write) and bob (read-only).
 * Closing it disconnects every client it connected, then stops the server.
 */
final class FtpTestServer implements Closeable {

    final Services services;
    final FtpServer server;
    final Path dir;
    private final List<FTPClient> clients = new CopyOnWriteArrayList<>();

    FtpTestServer(Path dir) throws IOException {
        this(dir, c -> c);
    }

    FtpTestServer(Path dir, UnaryOperator<FtpConfig> tweak) throws IOException {
        this.dir = dir;
        this.services = TestServices.create(dir);
        this.server = new FtpServer(services, tweak.apply(FtpConfig.defaults(0).withDataTimeout(Duration.ofSeconds(5))))
                .start();
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

    /** Sets test timeouts and UTF-8 on {@code c}, connects it, and disconnects it on {@link #close()}. */
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

    @Override
    public void close() {
        clients.forEach(FtpTestServer::quietly);
        server.close();
    }
}
