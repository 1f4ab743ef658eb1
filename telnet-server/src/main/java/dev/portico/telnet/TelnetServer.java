package dev.portico.telnet;

import dev.portico.core.LineConnection;
import dev.portico.core.LineServer;
import dev.portico.core.Services;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Telnet shell server: RFC 854 NVT with RFC 1143 option negotiation, a login, and Portico's
 * own small shell over the user's files and mail. No system program is ever run.
 */
public final class TelnetServer implements Closeable {

    private final Services services;
    private final TelnetConfig config;
    private final Set<TelnetSession> sessions = ConcurrentHashMap.newKeySet();
    private final Instant started = Instant.now();
    private LineServer server;

    public TelnetServer(Services services, TelnetConfig config) {
        this.services = services;
        this.config = config;
    }

    /** Binds and starts accepting; returns once bound. */
    public TelnetServer start() throws IOException {
        if (!config.enabled()) throw new IllegalStateException("the telnet server is switched off (telnet.port=off)");
        InetSocketAddress address = new InetSocketAddress(
                config.bind() != null ? config.bind() : services.bindAddress(), config.port());
        server = new LineServer(new LineServer.Options("telnet", address, config.limits(), TelnetReplies.TOO_MANY,
                TelnetReplies.SHUTDOWN, null), this::serve, services.sessions(), services.logins());
        server.start();
        return this;
    }

    private void serve(LineConnection connection) throws IOException {
        TelnetSession session = new TelnetSession(services, config, connection, started);
        sessions.add(session);
        try {
            session.run();
        } finally {
            sessions.remove(session);
        }
    }

    /** The bound port (the real one when the configuration asked for port 0). */
    public int port() {
        return server.port();
    }

    /** One listener: {@code "telnet"} and its bound address. */
    public Map<String, InetSocketAddress> listeners() {
        return Map.of("telnet", server.address());
    }

    /**
     * Stops: sessions waiting at a prompt get the shutdown line at once; sessions running a
     * command get the core's shutdown grace. (The core only sees sessions that read lines as
     * idle, and this one reads raw bytes, so it tells its idle sessions itself.)
     */
    @Override
    public void close() {
        if (server == null) return;
        closeIdleSessions();
        // While the core waits out the grace for busy sessions, end each one as soon as its command
        // is done and it is back at the prompt.
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Thread watcher = Thread.ofVirtual().name("telnet-shutdown").start(() -> {
            while (!stopped.get()) {
                closeIdleSessions();
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
        });
        try {
            server.close();
        } finally {
            stopped.set(true);
            java.util.concurrent.locks.LockSupport.unpark(watcher);
        }
    }

    private void closeIdleSessions() {
        for (TelnetSession s : sessions) {
            if (s.isWaitingForInput()) s.connection().closeWith("\r\n" + TelnetReplies.SHUTDOWN);
        }
    }
}
