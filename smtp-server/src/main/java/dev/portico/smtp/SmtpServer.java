package dev.portico.smtp;

import dev.portico.core.CommandSession;
import dev.portico.core.Listeners;
import dev.portico.core.Listening;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.auth.UserDirectory;
import dev.portico.core.mail.MailDomains;
import dev.portico.core.mail.MailStore;
import dev.portico.core.tls.Tls;
import dev.portico.smtp.relay.RelayPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The SMTP server (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES, SMTPUTF8,
 * CHUNKING, STARTTLS and AUTH): a listener on {@code smtp.port} and, when configured, a
 * submission listener on {@code smtp.submission-port} that requires AUTH before MAIL
 * (RFC 6409 4.3), and one more on {@code smtp.implicit-port} that does the same over implicit TLS
 * (RFC 8314). Who may relay is {@link RelayPolicy}'s decision. Mail goes to a {@link DeliveryHandler}: the local Maildirs by default.
 *
 * <pre>{@code
 * SmtpConfig config = SmtpConfig.from(Settings.of("smtp.port", "0"));
 * try (SmtpServer smtp = new SmtpServer(config, shared, captureHandler).start()) {
 *     int port = smtp.port();
 * }
 * }</pre>
 */
public final class SmtpServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);

    /**
     * What the SMTP server uses of the objects the launcher shares between servers.
     *
     * @param listening the shared listen address, session registry and ban list
     * @param tls       the identity STARTTLS presents
     * @param logins    checks AUTH credentials and slows down failures
     * @param domains   the mail domains delivered here; the first names the server unless {@code smtp.hostname} does
     * @param users     the local users: recipients, VRFY
     * @param mail      the Maildirs {@link LocalDelivery} writes to
     * @param spoolDir  where messages over {@code smtp.spool-memory} wait for delivery ({@code DATA/tmp/smtp})
     */
    public record Shared(Listening listening, Tls tls, LoginGuard logins, MailDomains domains, UserDirectory users,
                         MailStore mail, Path spoolDir) {
        public Shared {
            Objects.requireNonNull(listening);
            Objects.requireNonNull(tls);
            Objects.requireNonNull(logins);
            Objects.requireNonNull(domains);
            Objects.requireNonNull(users);
            Objects.requireNonNull(mail);
            Objects.requireNonNull(spoolDir);
        }
    }

    private final SmtpConfig config;
    private final SmtpEnvironment env;
    private final Listeners listeners;

    /** A server delivering through the handler {@code smtp.delivery} names (Maildir by default). */
    public SmtpServer(SmtpConfig config, Shared shared) {
        this(config, shared, defaultDelivery(config, shared));
    }

    /**
     * The handler {@code smtp.delivery} names: {@link LocalDelivery} (catch-all when
     * {@code smtp.catch-all} is on) or {@link DiscardDelivery}. An embedder that wraps the default
     * (the test toolkit records every message) starts from this.
     */
    public static DeliveryHandler defaultDelivery(SmtpConfig config, Shared shared) {
        return switch (config.delivery()) {
            case MAILDIR -> new LocalDelivery(shared.mail(), shared.domains(), shared.users(), config.catchAll(),
                    hostname(config, shared.domains()), null);
            case DISCARD -> new DiscardDelivery();
        };
    }

    /** A server delivering through {@code delivery}, for embedding (tests capturing mail in memory). */
    public SmtpServer(SmtpConfig config, Shared shared, DeliveryHandler delivery) {
        this.config = config;
        this.env = new SmtpEnvironment(config, shared, delivery, hostname(config, shared.domains()),
                RelayPolicy.of(config, shared.domains()));
        this.listeners = new Listeners(shared.listening(), config.proxyProtocol());
    }

    /** The name in the greeting, the EHLO reply and trace headers: {@code smtp.hostname}, else the primary mail domain. */
    public static String hostname(SmtpConfig config, MailDomains domains) {
        return config.hostname() != null ? config.hostname() : domains.primary();
    }

    /** Binds the listeners and returns once they accept connections. */
    public SmtpServer start() throws IOException {
        removeStaleSpoolFiles();      // the spool folder itself is made by the first message that needs it
        listen("smtp", config.port(), false);
        listen("submission", config.submissionPort(), true);
        // RFC 8314 3.3: implicit TLS for submission, the same rules as 587 once the handshake is done.
        listeners.start("smtps", config.bind(), config.implicitPort(), config.limits(), SmtpReplies.refusalLine(env.hostname()),
                SmtpReplies.shutdownLine(env.hostname()), env.shared().tls(),
                (CommandSession.Opener) c -> new SmtpSession(env, c, true).open());
        log.info("smtp: accepting mail for {} as {}", env.shared().domains().names(), env.hostname());
        return this;
    }

    private void listen(String name, OptionalInt port, boolean submission) throws IOException {
        listeners.start(name, config.bind(), port, config.limits(), SmtpReplies.refusalLine(env.hostname()),
                SmtpReplies.shutdownLine(env.hostname()), null,
                (CommandSession.Opener) c -> new SmtpSession(env, c, submission).open());
    }

    /** Spool files are deleted after each message; only a crash leaves some, and a day later nobody needs them. */
    private void removeStaleSpoolFiles() {
        if (!Files.isDirectory(env.shared().spoolDir())) return;
        long dayAgo = System.currentTimeMillis() - 86_400_000L;
        try (var files = Files.newDirectoryStream(env.shared().spoolDir(), "smtp-*.eml")) {
            for (var f : files) {
                if (Files.getLastModifiedTime(f).toMillis() < dayAgo) Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            log.warn("smtp: cannot clean {}: {}", env.shared().spoolDir(), e.toString());
        }
    }

    /** The main listener's port, or the submission port when only that one runs; -1 before start. */
    public int port() {
        int smtp = listeners.port("smtp");
        return smtp >= 0 ? smtp : listeners.port("submission");
    }

    /** The submission listener's port, or -1 when it is off. */
    public int submissionPort() {
        return listeners.port("submission");
    }

    /** The implicit-TLS (SMTPS) listener's port, or -1 when it is off. */
    public int implicitPort() {
        return listeners.port("smtps");
    }

    /** The relay permission and sender ownership rules this server applies (a relaying handler asks the same). */
    public RelayPolicy relayPolicy() {
        return env.relay();
    }

    /** Bound listeners by name: {@code smtp} and, when configured, {@code submission} and {@code smtps}. */
    public Map<String, InetSocketAddress> listeners() {
        return listeners.addresses();
    }

    /** Stops accepting; idle sessions get 421 4.3.2 at once, busy ones after the shutdown grace. */
    @Override
    public void close() {
        listeners.close();
    }
}
