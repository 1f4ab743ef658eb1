package dev.portico.pop3;

import dev.portico.core.LineConnection;
import dev.portico.core.LineServer;
import dev.portico.core.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The POP3 server (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH PLAIN) over the shared
 * Maildir store: a plain listener ({@code pop3.port}, STLS available) and, when configured, an
 * implicit-TLS POP3S listener ({@code pop3.implicit-port}).
 */
public final class Pop3Server implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(Pop3Server.class);

    private final Services services;
    private final Pop3Config config;
    private LineServer plain;
    private LineServer implicit;

    public Pop3Server(Services services, Pop3Config config) {
        this.services = services;
        this.config = config;
    }

    /** Binds the configured listeners; returns once they accept. */
    public Pop3Server start() throws IOException {
        InetAddress bind = config.bind() != null ? config.bind() : services.bindAddress();
        try {
            if (config.port().isPresent()) {
                plain = listener("pop3", new InetSocketAddress(bind, config.port().getAsInt()), false).start();
            }
            if (config.implicitPort().isPresent()) {
                implicit = listener("pop3s", new InetSocketAddress(bind, config.implicitPort().getAsInt()), true).start();
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        listeners().forEach((name, address) -> log.debug("{} listening on {}", name, address));
        return this;
    }

    private LineServer listener(String name, InetSocketAddress address, boolean tls) {
        var options = new LineServer.Options(name, address, config.limits(), Pop3Replies.REFUSAL_LINE,
                Pop3Replies.SHUTDOWN_LINE, tls ? services.tls() : null);
        return new LineServer(options, this::serve, services.sessions(), services.logins());
    }

    private void serve(LineConnection connection) throws IOException {
        new Pop3Session(services, config, connection).serve();
    }

    /** The plain POP3 port, or -1 when that listener is off. */
    public int port() {
        return plain == null ? -1 : plain.port();
    }

    /** The POP3S port, or -1 when that listener is off. */
    public int implicitPort() {
        return implicit == null ? -1 : implicit.port();
    }

    /** {@code pop3} and {@code pop3s} → bound address, for the listeners that run. */
    public Map<String, InetSocketAddress> listeners() {
        Map<String, InetSocketAddress> m = new LinkedHashMap<>();
        if (plain != null) m.put("pop3", plain.address());
        if (implicit != null) m.put("pop3s", implicit.address());
        return m;
    }

    /** Stops accepting and ends sessions with {@code -ERR [SYS/TEMP] server shutting down}; nothing is deleted. */
    @Override
    public void close() {
        if (implicit != null) implicit.close();
        if (plain != null) plain.close();
    }
}
