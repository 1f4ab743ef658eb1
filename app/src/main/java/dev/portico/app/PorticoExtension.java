package dev.portico.app;

import dev.portico.core.Settings;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.Permission;
import dev.portico.core.mail.Mailbox;
import dev.portico.core.mail.MessageInfo;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs a whole Portico for each test method, on free ports of 127.0.0.1 over a fresh temporary
 * data folder, the way GreenMail's extension does for mail, but with FTP and Telnet too.
 *
 * <pre>{@code
 * @RegisterExtension
 * static PorticoExtension portico = PorticoExtension.create().withUser("alice", "secret");
 *
 * @Test void uploads() throws IOException {
 *     FTPClient ftp = new FTPClient();
 *     ftp.connect("127.0.0.1", portico.port("ftp"));
 *     ...
 *     assertThat(portico.home("alice").resolve("report.csv")).exists();
 * }
 * }</pre>
 */
public final class PorticoExtension implements BeforeEachCallback, AfterEachCallback {

    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, String> users = new LinkedHashMap<>();
    private Path dir;
    private Portico portico;

    private PorticoExtension() {
        for (String p : List.of("telnet", "ftp", "smtp", "pop3")) settings.put(p + ".port", "0");
        settings.put("bind", "127.0.0.1");
        settings.put("users.hash-iterations", "1000");   // test users need no slow hashes
        settings.put("login.failure-delay", "10ms");
        settings.put("login.max-failure-delay", "50ms");
    }

    /** Every server on a free port. */
    public static PorticoExtension create() {
        return new PorticoExtension();
    }

    /** Any configuration key, as in {@code portico.properties}. */
    public PorticoExtension with(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** A user with read and write permissions, created before each test. */
    public PorticoExtension withUser(String name, String password) {
        users.put(name, password);
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("portico-test");
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put("data", dir.toString());
        portico = Portico.start(Settings.of(s));
        FileUserDirectory directory = portico.users();
        for (Map.Entry<String, String> u : users.entrySet()) {
            directory.add(u.getKey(), u.getValue().toCharArray(), EnumSet.of(Permission.READ, Permission.WRITE));
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (portico != null) portico.close();
        portico = null;
        if (dir != null) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    public Portico portico() {
        return portico;
    }

    /** The bound port of "telnet", "ftp", "smtp", "pop3", or any other listener. */
    public int port(String listener) {
        return portico.port(listener);
    }

    public Path dataDir() {
        return dir;
    }

    /** A user's FTP and shell home. */
    public Path home(String user) {
        return dir.resolve("files").resolve(user);
    }

    /** The raw messages in a user's mailbox, oldest first, as delivered. */
    public List<byte[]> messages(String user) {
        try (Mailbox box = portico.mail().open(user, false)) {
            List<byte[]> out = new ArrayList<>();
            for (MessageInfo m : box.messages()) {
                try (InputStream in = box.content(m.uid())) {
                    out.add(in.readAllBytes());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
