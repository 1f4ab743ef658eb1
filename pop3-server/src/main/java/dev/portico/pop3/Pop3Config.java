package dev.portico.pop3;

import dev.portico.core.ConfigException;
import dev.portico.core.Limits;
import dev.portico.core.ProxyProtocol;
import dev.portico.core.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Settings of the POP3 server, read from the {@code pop3.*} keys by {@link #from(Settings)} only.
 *
 * @param port               plain POP3 listener (STLS available); empty when {@code off}
 * @param implicitPort       POP3S listener, TLS from the first byte (RFC 8314); empty when off
 * @param bind               listen address, or null for the suite's {@code bind}
 * @param proxyProtocol    the proxies whose connections start with a PROXY header ({@code pop3.proxy-protocol.from}),
 *                         or null for the process-wide {@code proxy-protocol.from}
 * @param limits             line length (RFC 2449 §4: 255), idle timeout (RFC 1939 §3: at least
 *                           10 minutes), session counts, shutdown grace
 * @param tlsRequired        refuse USER, PASS and AUTH until the connection is encrypted
 * @param maxUnknownCommands unknown verbs and over-long lines a session may send before it is closed
 * @param maxLoginFailures   failed logins one connection may make before it is closed
 */
public record Pop3Config(OptionalInt port, OptionalInt implicitPort, InetAddress bind, ProxyProtocol proxyProtocol,
                         Limits limits,
                         boolean tlsRequired, int maxUnknownCommands, int maxLoginFailures) {

    private static final Logger log = LoggerFactory.getLogger(Pop3Config.class);

    public static final int DEFAULT_PORT = 2110;
    /** RFC 2449 §4 allows 255 octets per command; counted here without the CR LF, so slightly liberal. */
    public static final Limits DEFAULT_LIMITS = Limits.DEFAULT.withMaxLineLength(255).withIdleTimeout(Duration.ofMinutes(10));
    /** RFC 1939 §3: the autologout timer must be at least 10 minutes. */
    static final Duration RFC_MIN_IDLE = Duration.ofMinutes(10);

    public Pop3Config {
        if (maxUnknownCommands < 1) throw new IllegalArgumentException("maxUnknownCommands must be positive");
        if (maxLoginFailures < 1) throw new IllegalArgumentException("maxLoginFailures must be positive");
    }

    /** Defaults: port 2110, no POP3S, STLS optional, 255-byte lines, 10-minute idle timeout. */
    public static Pop3Config defaults() {
        return from(Settings.empty());
    }

    /**
     * Reads {@code pop3.port}, {@code pop3.implicit-port}, {@code pop3.bind}, {@code pop3.tls.required},
     * {@code pop3.apop}, {@code pop3.max-unknown-commands}, {@code pop3.max-login-failures} and the
     * {@link Limits} keys under {@code pop3.} ({@code max-line}, {@code idle-timeout}, ...).
     *
     * @throws ConfigException naming the key, also when {@code pop3.apop=true}: APOP (RFC 1939 §7)
     *                         needs every password in clear text on the server, and Portico only
     *                         stores salted hashes, so it cannot be offered
     */
    public static Pop3Config from(Settings s) {
        if (s.bool("pop3.apop", false)) {
            throw new ConfigException("pop3.apop", "APOP needs clear-text passwords on the server, and Portico "
                    + "stores only salted hashes; use USER/PASS or AUTH PLAIN over STLS or POP3S instead");
        }
        OptionalInt port = s.port("pop3.port", OptionalInt.of(DEFAULT_PORT));
        OptionalInt implicitPort = s.port("pop3.implicit-port", OptionalInt.empty());
        InetAddress bind = s.address("pop3.bind", null);
        ProxyProtocol proxyProtocol = ProxyProtocol.from(s, "pop3.proxy-protocol.from", null);
        Limits limits = Limits.from(s, "pop3", DEFAULT_LIMITS);
        if (limits.idleTimeout().compareTo(RFC_MIN_IDLE) < 0) {
            log.warn("pop3.idle-timeout {} is below the 10 minutes RFC 1939 §3 asks for", limits.idleTimeout());
        }
        boolean tlsRequired = s.bool("pop3.tls.required", false);
        int unknown = s.integer("pop3.max-unknown-commands", 10);
        if (unknown < 1) throw new ConfigException("pop3.max-unknown-commands", "must be at least 1");
        int failures = s.integer("pop3.max-login-failures", 3);
        if (failures < 1) throw new ConfigException("pop3.max-login-failures", "must be at least 1");
        return new Pop3Config(port, implicitPort, bind, proxyProtocol, limits, tlsRequired, unknown, failures);
    }

    /** Whether any listener is configured. */
    public boolean enabled() {
        return port.isPresent() || implicitPort.isPresent();
    }
}
