package dev.portico.imap;

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
 * Settings of the IMAP server, read from the {@code imap.*} keys by {@link #from(Settings)} only.
 *
 * @param port               plain IMAP listener (STARTTLS available); empty when {@code off}
 * @param implicitPort       IMAPS listener, TLS from the first byte (RFC 8314); empty when off
 * @param bind               listen address, or null for the suite's {@code bind}
 * @param proxyProtocol      proxies whose connections start with a PROXY header, or null for the process-wide key
 * @param limits             line length, the autologout timer (RFC 9051 5.4: at least 30 minutes), sessions
 * @param plainLogin         where LOGIN and AUTHENTICATE work without TLS (elsewhere LOGINDISABLED)
 * @param appendLimit        largest message APPEND takes (RFC 7889 APPENDLIMIT), also the literal cap
 * @param maxUnknownCommands unknown commands, syntax errors and over-long lines before the session is closed
 * @param maxLoginFailures   failed logins one connection may make before it is closed
 * @param messageCache       octets of parsed messages the server keeps for FETCH and SEARCH, over all sessions;
 *                           envelopes and headers read alone (FETCH ENVELOPE, SEARCH by header field) are
 *                           kept apart, each within as much again
 */
public record ImapConfig(OptionalInt port, OptionalInt implicitPort, InetAddress bind, ProxyProtocol proxyProtocol,
                         Limits limits, PlainLogin plainLogin, long appendLimit, int maxUnknownCommands,
                         int maxLoginFailures, long messageCache) {

    /**
     * {@code imap.tls.required}: {@code true} announces LOGINDISABLED on every plain connection;
     * {@code loopback} (the default) lets clients on the same host log in without TLS, as Dovecot
     * counts them secure, so {@code curl imap://127.0.0.1} works while a remote client must
     * STARTTLS; {@code false} allows plain logins from anywhere.
     */
    public enum PlainLogin { TRUE, LOOPBACK, FALSE }

    private static final Logger log = LoggerFactory.getLogger(ImapConfig.class);

    public static final int DEFAULT_PORT = 2143;
    /**
     * 64 KiB lines, as Dovecot's {@code imap_max_line_length}: clients send long UID sets; the
     * RFC 9051 5.4 autologout timer of 30 minutes as the idle timeout.
     */
    public static final Limits DEFAULT_LIMITS = Limits.DEFAULT.withMaxLineLength(65536)
            .withIdleTimeout(Duration.ofMinutes(30));
    static final Duration RFC_MIN_IDLE = Duration.ofMinutes(30);

    public ImapConfig {
        if (maxUnknownCommands < 1) throw new IllegalArgumentException("maxUnknownCommands must be positive");
        if (maxLoginFailures < 1) throw new IllegalArgumentException("maxLoginFailures must be positive");
        if (appendLimit < 1) throw new IllegalArgumentException("appendLimit must be positive");
    }

    public static ImapConfig defaults() {
        return from(Settings.empty());
    }

    /**
     * Reads {@code imap.port}, {@code imap.implicit-port}, {@code imap.bind},
     * {@code imap.proxy-protocol.from}, {@code imap.tls.required}, {@code imap.append-limit},
     * {@code imap.max-unknown-commands}, {@code imap.max-login-failures}, {@code imap.message-cache} and the {@link Limits}
     * keys under {@code imap.}.
     */
    public static ImapConfig from(Settings s) {
        OptionalInt port = s.port("imap.port", OptionalInt.of(DEFAULT_PORT));
        OptionalInt implicitPort = s.port("imap.implicit-port", OptionalInt.empty());
        InetAddress bind = s.address("imap.bind", null);
        ProxyProtocol proxyProtocol = ProxyProtocol.from(s, "imap.proxy-protocol.from", null);
        Limits limits = Limits.from(s, "imap", DEFAULT_LIMITS);
        if (limits.idleTimeout().compareTo(RFC_MIN_IDLE) < 0) {
            log.warn("imap.idle-timeout {} is below the 30 minutes RFC 9051 5.4 asks for", limits.idleTimeout());
        }
        PlainLogin plainLogin = s.choice("imap.tls.required", PlainLogin.class, PlainLogin.LOOPBACK);
        long appendLimit = s.size("imap.append-limit", 50L << 20);
        if (appendLimit < 1) throw new ConfigException("imap.append-limit", "must be at least 1");
        int unknown = s.integer("imap.max-unknown-commands", 20);
        if (unknown < 1) throw new ConfigException("imap.max-unknown-commands", "must be at least 1");
        int failures = s.integer("imap.max-login-failures", 3);
        if (failures < 1) throw new ConfigException("imap.max-login-failures", "must be at least 1");
        long cache = s.size("imap.message-cache", 64L << 20);
        if (cache < 1) throw new ConfigException("imap.message-cache", "must be at least 1");
        return new ImapConfig(port, implicitPort, bind, proxyProtocol, limits, plainLogin, appendLimit, unknown, failures, cache);
    }

    /** Whether any listener is configured. */
    public boolean enabled() {
        return port.isPresent() || implicitPort.isPresent();
    }
}
