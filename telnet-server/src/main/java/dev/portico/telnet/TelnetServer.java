package dev.portico.telnet;

import dev.portico.core.LineConnection;
import dev.portico.core.Listeners;
import dev.portico.core.Listening;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.auth.UserDirectory;
import dev.portico.core.fs.FileStores;
import dev.portico.core.mail.MailDomains;
import dev.portico.core.mail.MailStore;
import dev.portico.core.mail.OutboundQueue;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The Telnet shell server: RFC 854 NVT with RFC 1143 option negotiation, a login, and Portico's
 * own small shell over the user's files and mail. No system program is ever run.
 */
public final class TelnetServer implements Closeable {

    /**
     * What the shell shares with the rest of Portico.
     *
     * @param listening the bind address, the registry of every live session (the console's
     *                  {@code sessions}, {@code kick}, {@code stats}, {@code who}, {@code uptime})
     *                  and the filter applied at accept
     * @param logins    the login guard: checks passwords, and the console's {@code bans} and {@code unban}
     * @param files     users' homes, where the file commands work
     * @param mail      the Maildirs {@code mail} reads
     * @param domains   the mail domains; the primary one names the server in the greeting
     * @param users     the users the console's {@code users} lists, and changes when it is a
     *                  {@code FileUserDirectory}
     * @param queue     the outbound mail queue the console's {@code queue} shows and changes
     */
    public record Shared(Listening listening, LoginGuard logins, FileStores files, MailStore mail, MailDomains domains,
                         UserDirectory users, OutboundQueue queue) {
        public Shared {
            Objects.requireNonNull(listening);
            Objects.requireNonNull(logins);
            Objects.requireNonNull(files);
            Objects.requireNonNull(mail);
            Objects.requireNonNull(domains);
            Objects.requireNonNull(users);
            Objects.requireNonNull(queue);
        }

        /** Without an outbound queue: the console's {@code queue} shows an empty one. */
        public Shared(Listening listening, LoginGuard logins, FileStores files, MailStore mail, MailDomains domains,
                      UserDirectory users) {
            this(listening, logins, files, mail, domains, users, OutboundQueue.NONE);
        }
    }

    private static final String LISTENER = "telnet";

    private final TelnetConfig config;
    private final Shared shared;
    private final Listeners listeners;
    private final Set<TelnetSession> sessions = ConcurrentHashMap.newKeySet();
    private final Instant started = Instant.now();

    public TelnetServer(TelnetConfig config, Shared shared) {
        this.config = config;
        this.shared = shared;
        this.listeners = new Listeners(shared.listening(), config.proxyProtocol());
    }

    /** Binds and starts accepting; returns once bound. */
    public TelnetServer start() throws IOException {
        if (!config.enabled()) throw new IllegalStateException("the telnet server is switched off (telnet.port=off)");
        listeners.start(LISTENER, config.bind(), config.port(), config.limits(), TelnetReplies.TOO_MANY,
                TelnetReplies.SHUTDOWN, null, this::serve);
        return this;
    }

    private void serve(LineConnection connection) throws IOException {
        TelnetSession session = new TelnetSession(shared, config, connection, started);
        sessions.add(session);
        try {
            session.run();
        } finally {
            sessions.remove(session);
        }
    }

    /** The bound port (the real one when the configuration asked for port 0). */
    public int port() {
        return listeners.port(LISTENER);
    }

    /** One listener: {@code "telnet"} and its bound address. */
    public Map<String, InetSocketAddress> listeners() {
        return listeners.addresses();
    }

    /**
     * Stops: sessions waiting at a prompt get the shutdown line at once; sessions running a
     * command get the core's shutdown grace. (The core only sees sessions that read lines as
     * idle, and this one reads raw bytes, so it tells its idle sessions itself.)
     */
    @Override
    public void close() {
        if (listeners.addresses().isEmpty()) return;
        closeIdleSessions();
        // While the core waits out the grace for busy sessions, end each one as soon as its command
        // is done and it is back at the prompt.
        AtomicBoolean stopped = new AtomicBoolean();
        Thread watcher = Thread.ofVirtual().name("telnet-shutdown").start(() -> {
            while (!stopped.get()) {
                closeIdleSessions();
                LockSupport.parkNanos(20_000_000);
            }
        });
        try {
            listeners.close();
        } finally {
            stopped.set(true);
            LockSupport.unpark(watcher);
        }
    }

    private void closeIdleSessions() {
        for (TelnetSession s : sessions) {
            if (s.isWaitingForInput()) s.connection().closeWith("\r\n" + TelnetReplies.SHUTDOWN);
        }
    }
}
