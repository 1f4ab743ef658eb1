package dev.portico.telnet;

import dev.portico.core.ConfigException;
import dev.portico.core.Limits;
import dev.portico.core.ProxyProtocol;
import dev.portico.core.Settings;

import java.net.InetAddress;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Settings of the Telnet shell, read from the {@code telnet.*} keys by {@link #from(Settings)} only.
 *
 * @param port             listen port; 0 picks a free one; empty when {@code off}
 * @param bind             listen address, or null for the suite's bind address
 * @param proxyProtocol    the proxies whose connections start with a PROXY header ({@code telnet.proxy-protocol.from}),
 *                         or null for the process-wide {@code proxy-protocol.from}
 * @param limits           line length, idle timeout (default 15 minutes), session limits, shutdown grace
 * @param loginAttempts    failed logins on one connection before it is closed
 * @param maxSleep         the longest {@code sleep} allowed
 * @param negotiationWait  how long the greeting waits for the client's option answers
 * @param historySize      command lines remembered per session
 */
public record TelnetConfig(OptionalInt port, InetAddress bind, ProxyProtocol proxyProtocol, Limits limits, int loginAttempts, Duration maxSleep,
                           Duration negotiationWait, int historySize) {

    public static final int DEFAULT_PORT = 2323;
    public static final Limits DEFAULT_LIMITS = Limits.DEFAULT.withIdleTimeout(Duration.ofMinutes(15));

    /** Defaults: port 2323, the suite's bind address, 15 minutes idle, 3 login attempts. */
    public static TelnetConfig defaults() {
        return from(Settings.empty());
    }

    /**
     * Reads {@code telnet.port}, {@code telnet.bind}, {@code telnet.login-attempts},
     * {@code telnet.max-sleep}, {@code telnet.negotiation-wait}, {@code telnet.history} and the
     * {@link Limits} keys under {@code telnet.} ({@code max-line}, {@code idle-timeout}, ...).
     *
     * @throws ConfigException naming the key of a bad value
     */
    public static TelnetConfig from(Settings s) {
        OptionalInt port = s.port("telnet.port", OptionalInt.of(DEFAULT_PORT));
        InetAddress bind = s.address("telnet.bind", null);
        ProxyProtocol proxyProtocol = ProxyProtocol.from(s, "telnet.proxy-protocol.from", null);
        Limits limits = Limits.from(s, "telnet", DEFAULT_LIMITS);
        int loginAttempts = s.integer("telnet.login-attempts", 3);
        if (loginAttempts < 1) throw new ConfigException("telnet.login-attempts", "must be at least 1");
        Duration maxSleep = s.duration("telnet.max-sleep", Duration.ofMinutes(5));
        Duration negotiationWait = s.duration("telnet.negotiation-wait", Duration.ofMillis(500));
        int historySize = s.integer("telnet.history", 100);
        if (historySize < 0) throw new ConfigException("telnet.history", "must not be negative");
        return new TelnetConfig(port, bind, proxyProtocol, limits, loginAttempts, maxSleep, negotiationWait, historySize);
    }

    /** Whether the shell listens at all ({@code telnet.port} is not {@code off}). */
    public boolean enabled() {
        return port.isPresent();
    }
}
