package dev.portico.testing;

import dev.portico.core.Services;
import dev.portico.core.SessionRegistry;
import dev.portico.core.Settings;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.auth.PasswordHash;
import dev.portico.core.auth.Permission;
import dev.portico.core.mail.MaildirMailStore;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

/**
 * {@link Services} for tests, under a temporary folder: users {@code alice} (read, write, admin;
 * password {@link #ALICE_PASSWORD}) and {@code bob} (read only; {@link #BOB_PASSWORD}), mail
 * domain {@code localhost}, binding 127.0.0.1, the shared test TLS identity, and a login guard
 * whose failure delays are a few milliseconds.
 */
public final class TestServices {

    public static final String ALICE_PASSWORD = "alice-secret";
    public static final String BOB_PASSWORD = "bob-secret";
    public static final LoginGuard.Policy FAST_POLICY = new LoginGuard.Policy(
            Duration.ofMillis(5), Duration.ofMillis(20), 1000, Duration.ofMinutes(1), Duration.ofMinutes(1));

    private TestServices() {}

    public static Services create(Path dir) throws IOException {
        return create(dir, Settings.empty(), FAST_POLICY);
    }

    public static Services create(Path dir, Settings settings, LoginGuard.Policy policy) throws IOException {
        FileUserDirectory users = new FileUserDirectory(Services.usersFile(dir), new PasswordHash(1000));
        users.add("alice", ALICE_PASSWORD.toCharArray(), EnumSet.of(Permission.READ, Permission.WRITE, Permission.ADMIN));
        users.add("bob", BOB_PASSWORD.toCharArray(), EnumSet.of(Permission.READ));
        return new Services(settings, dir, InetAddress.getLoopbackAddress(), List.of("localhost"), users,
                new LoginGuard(users, policy), new SessionRegistry(), TestTls.SERVER, new MaildirMailStore(dir.resolve("mail")));
    }
}
