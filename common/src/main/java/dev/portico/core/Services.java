package dev.portico.core;

import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.auth.PasswordHash;
import dev.portico.core.auth.User;
import dev.portico.core.auth.UserDirectory;
import dev.portico.core.fs.FileStore;
import dev.portico.core.fs.LocalFileStore;
import dev.portico.core.mail.MailStore;
import dev.portico.core.mail.MaildirMailStore;
import dev.portico.core.tls.Tls;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What every server of one Portico shares: settings, users and their login guard, the session
 * registry, the TLS identity, the mail store and the data folder. Built once and handed to each
 * server's constructor.
 *
 * @param bindAddress default listen address of every server
 * @param domains     mail domains served locally, the first one is the primary
 */
public record Services(Settings settings, Path dataDir, InetAddress bindAddress, List<String> domains,
                       UserDirectory users, LoginGuard logins, SessionRegistry sessions, Tls tls,
                       MailStore mail) {

    public Services {
        domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        if (domains.isEmpty()) throw new IllegalArgumentException("at least one mail domain is needed");
    }

    /**
     * Opens everything under {@code dataDir} as the operating contract lays it out: {@code users}
     * (credentials), {@code files/NAME/}, {@code mail/NAME/Maildir/}, {@code tls/}. Settings read:
     * {@code bind}, {@code domain}, {@code tls.keystore}, {@code tls.keystore-password},
     * {@code users.hash-iterations} (PBKDF2 strength of new hashes), and the
     * {@code login.*} keys of {@link LoginGuard.Policy}.
     */
    public static Services open(Path dataDir, Settings s) throws IOException {
        java.nio.file.Files.createDirectories(dataDir);
        FileUserDirectory users = new FileUserDirectory(usersFile(dataDir),
                new PasswordHash(s.integer("users.hash-iterations", PasswordHash.DEFAULT_ITERATIONS)));
        List<String> domains = s.list("domain", List.of("localhost"));
        String keystore = s.string("tls.keystore", null);
        Tls tls = keystore != null
                ? Tls.load(Path.of(keystore), s.string("tls.keystore-password", "").toCharArray())
                : Tls.selfSigned(dataDir.resolve("tls"), domains);
        InetAddress bind = InetAddress.getByName(s.string("bind", "127.0.0.1"));
        return new Services(s, dataDir, bind, domains, users, new LoginGuard(users, LoginGuard.Policy.from(s)),
                new SessionRegistry(), tls, new MaildirMailStore(dataDir.resolve("mail")));
    }

    /** Where {@link #open} keeps credentials. */
    public static Path usersFile(Path dataDir) {
        return dataDir.resolve("users");
    }

    /** A user's files, jailed at {@code DATA/files/NAME/}, writable when the user may write. */
    public FileStore files(User user) throws IOException {
        return new LocalFileStore(dataDir.resolve("files").resolve(user.name()), user.canWrite());
    }

    /** The local user an address {@code local@domain} belongs to, when the domain is ours. */
    public java.util.Optional<User> localRecipient(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0) return java.util.Optional.empty();
        String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!domains.contains(domain)) return java.util.Optional.empty();
        return users.find(address.substring(0, at));
    }

    /** Whether mail to this domain is delivered here. */
    public boolean isLocalDomain(String domain) {
        return domains.contains(domain.toLowerCase(Locale.ROOT));
    }
}
