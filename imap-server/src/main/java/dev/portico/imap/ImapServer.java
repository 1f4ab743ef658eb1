package dev.portico.imap;

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
 * The IMAP server (RFC 9051 and RFC 3501, with IDLE, UIDPLUS, MOVE, LITERAL+, ENABLE, SASL-IR,
 * SPECIAL-USE, CONDSTORE/QRESYNC) over the shared Maildir's folders: a plain listener
 * ({@code imap.port}, STARTTLS available) and, when configured, an implicit-TLS IMAPS listener
 * ({@code imap.implicit-port}).
 */
public final class ImapServer implements Closeable {

    /**
     * What the IMAP server shares with the rest of the process.
     *
     * @param listening default listen address, session registry and accept filter
     * @param tls       the identity for STARTTLS and IMAPS
     * @param logins    checks passwords and slows down failures
     * @param mail      the users' folders ({@link MailStore#folders})
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

    private static final Logger log = LoggerFactory.getLogger(ImapServer.class);

    private final ImapConfig config;
    private final Shared shared;
    private final Listeners listeners;

    public ImapServer(ImapConfig config, Shared shared) {
        this.config = config;
        this.shared = shared;
        this.listeners = new Listeners(shared.listening(), config.proxyProtocol());
    }

    /** Binds the configured listeners; returns once they accept. */
    public ImapServer start() throws IOException {
        listeners.start("imap", config.bind(), config.port(), config.limits(), ImapReplies.REFUSAL_LINE,
                ImapReplies.SHUTDOWN_LINE, null, opener);
        listeners.start("imaps", config.bind(), config.implicitPort(), config.limits(), ImapReplies.REFUSAL_LINE,
                ImapReplies.SHUTDOWN_LINE, shared.tls(), opener);
        listeners().forEach((name, address) -> log.debug("{} listening on {}", name, address));
        return this;
    }

    /** IMAP sessions run on virtual threads only: IDLE waits in one step for as long as the client idles. */
    private final CommandSession.Opener opener = new CommandSession.Opener() {
        @Override
        public CommandSession open(LineConnection connection) throws IOException {
            return new ImapSession(config, shared, ImapServer.this::views, connection).open();
        }

        @Override
        public boolean quickSteps() {
            return false;
        }
    };

    private volatile MessageViews views;

    /** Made on the first FETCH or SEARCH that needs a message's content, so a start loads none of it. */
    private MessageViews views() {
        MessageViews v = views;
        if (v == null) {
            synchronized (this) {
                if (views == null) views = new MessageViews(config.messageCache());
                v = views;
            }
        }
        return v;
    }

    /** The plain IMAP port, or -1 when that listener is off. */
    public int port() {
        return listeners.port("imap");
    }

    /** The IMAPS port, or -1 when that listener is off. */
    public int implicitPort() {
        return listeners.port("imaps");
    }

    /** {@code imap} and {@code imaps} → bound address, for the listeners that run. */
    public Map<String, InetSocketAddress> listeners() {
        return listeners.addresses();
    }

    /** Stops accepting and ends sessions with {@code * BYE [UNAVAILABLE] server shutting down}. */
    @Override
    public void close() {
        listeners.close();
    }
}
