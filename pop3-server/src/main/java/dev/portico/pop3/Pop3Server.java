package dev.portico.pop3;

import dev.portico.core.CommandSession;
import dev.portico.core.LineConnection;
import dev.portico.core.Listeners;
import dev.portico.core.Listening;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.mail.MailDomains;
import dev.portico.core.mail.MailStore;
import dev.portico.core.tls.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * The POP3 server (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH PLAIN) over the shared
 * Maildir store: a plain listener ({@code pop3.port}, STLS available) and, when configured, an
 * implicit-TLS POP3S listener ({@code pop3.implicit-port}).
 */
public final class Pop3Server implements Closeable {

    /**
     * What the POP3 server shares with the rest of the process.
     *
     * @param listening default listen address, session registry and accept filter
     * @param tls       the identity for STLS and POP3S
     * @param logins    checks passwords and slows down failures
     * @param mail      the mailboxes sessions open exclusively (RFC 1939 §8)
     * @param domains   the local mail domains, so {@code alice@localhost} logs in as {@code alice}
     */
    public record Shared(Listening listening, Tls tls, LoginGuard logins, MailStore mail, MailDomains domains) {
        public Shared {
            Objects.requireNonNull(listening);
            Objects.requireNonNull(tls);
            Objects.requireNonNull(logins);
            Objects.requireNonNull(mail);
            Objects.requireNonNull(domains);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(Pop3Server.class);

    private final Pop3Config config;
    private final Shared shared;
    private final Listeners listeners;

    public Pop3Server(Pop3Config config, Shared shared) {
        this.config = config;
        this.shared = shared;
        this.listeners = new Listeners(shared.listening(), config.proxyProtocol());
    }

    /** Binds the configured listeners; returns once they accept. */
    public Pop3Server start() throws IOException {
        listeners.start("pop3", config.bind(), config.port(), config.limits(), Pop3Replies.REFUSAL_LINE,
                Pop3Replies.SHUTDOWN_LINE, null, (CommandSession.Opener) this::open);
        listeners.start("pop3s", config.bind(), config.implicitPort(), config.limits(), Pop3Replies.REFUSAL_LINE,
                Pop3Replies.SHUTDOWN_LINE, shared.tls(), (CommandSession.Opener) this::open);
        listeners().forEach((name, address) -> log.debug("{} listening on {}", name, address));
        return this;
    }

    private CommandSession open(LineConnection connection) throws IOException {
        return new Pop3Session(config, shared, connection).open();
    }

    /** The plain POP3 port, or -1 when that listener is off. */
    public int port() {
        return listeners.port("pop3");
    }

    /** The POP3S port, or -1 when that listener is off. */
    public int implicitPort() {
        return listeners.port("pop3s");
    }

    /** {@code pop3} and {@code pop3s} → bound address, for the listeners that run. */
    public Map<String, InetSocketAddress> listeners() {
        return listeners.addresses();
    }

    /** Stops accepting and ends sessions with {@code -ERR [SYS/TEMP] server shutting down}; nothing is deleted. */
    @Override
    public void close() {
        listeners.close();
    }
}
