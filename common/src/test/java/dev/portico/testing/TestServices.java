package dev.portico.testing;

import dev.portico.core.Listening;
import dev.portico.core.SessionRegistry;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.auth.PasswordHash;
import dev.portico.core.auth.Permission;
import dev.portico.core.fs.FileStores;
import dev.portico.core.fs.LocalFileStores;
import dev.portico.core.mail.MailDomains;
import dev.portico.core.mail.MaildirMailStore;
import dev.portico.core.tls.Tls;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;

/**
 * The objects the launcher shares between servers, made for a test under a temporary folder laid
 * out like a data folder: users {@code alice} (read, write, admin; password
 * {@link #ALICE_PASSWORD}) and {@code bob} (read only; {@link #BOB_PASSWORD}), mail domain
 * {@code localhost}, listeners on 127.0.0.1 behind the login guard's ban list, the shared test
 * TLS identity, and a login guard whose failure delays are a few milliseconds. Each module's test
 * extension builds its server from these.
 */
public record TestServices(Path dir, FileUserDirectory users, LoginGuard logins, Listening listening, Tls tls,
                           MaildirMailStore mail, MailDomains domains, FileStores files) {

    public static final String ALICE_PASSWORD = "alice-secret";
    public static final String BOB_PASSWORD = "bob-secret";
    public static final LoginGuard.Policy FAST_POLICY = new LoginGuard.Policy(
            Duration.ofMillis(5), Duration.ofMillis(20), 1000, Duration.ofMinutes(1), Duration.ofMinutes(1));

    public static TestServices create(Path dir) throws IOException {
        return create(dir, FAST_POLICY);
    }

    public static TestServices create(Path dir, LoginGuard.Policy policy) throws IOException {
        FileUserDirectory users = new FileUserDirectory(dir.resolve("users"), new PasswordHash(1000));
        users.add("alice", ALICE_PASSWORD.toCharArray(), EnumSet.of(Permission.READ, Permission.WRITE, Permission.ADMIN));
        users.add("bob", BOB_PASSWORD.toCharArray(), EnumSet.of(Permission.READ));
        LoginGuard logins = new LoginGuard(users, policy);
        return new TestServices(dir, users, logins, new Listening(InetAddress.getLoopbackAddress(), new SessionRegistry(), logins),
                TestTls.SERVER, new MaildirMailStore(dir.resolve("mail")), MailDomains.of("localhost"),
                new LocalFileStores(dir.resolve("files")));
    }

    public SessionRegistry sessions() {
        return listening.sessions();
    }
}
