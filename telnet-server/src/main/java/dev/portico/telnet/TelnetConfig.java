package dev.portico.telnet;

import dev.portico.core.Limits;
import dev.portico.core.Settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Settings of the Telnet shell, read from the {@code telnet.*} keys.
 *
 * @param port             listen port; 0 picks a free one, {@link #DISABLED} means {@code off}
 * @param bind             listen address, or null for the suite's bind address
 * @param limits           line length, idle timeout (default 15 minutes), session limits, shutdown grace
 * @param loginAttempts    failed logins on one connection before it is closed
 * @param maxSleep         the longest {@code sleep} allowed
 * @param negotiationWait  how long the greeting waits for the client's option answers
 * @param historySize      command lines remembered per session
 */
public record TelnetConfig(int port, InetAddress bind, Limits limits, int loginAttempts, Duration maxSleep,
                           Duration negotiationWait, int historySize) {

    /** The {@link #port()} of a server switched {@code off}. */
    public static final int DISABLED = -1;
    public static final int DEFAULT_PORT = 2323;
    public static final Limits DEFAULT_LIMITS = Limits.DEFAULT.withIdleTimeout(Duration.ofMinutes(15));

    public TelnetConfig {
        if (loginAttempts < 1) throw new IllegalArgumentException("telnet.login-attempts must be at least 1");
        if (historySize < 0) throw new IllegalArgumentException("telnet.history must not be negative");
    }

    /** Defaults: port 2323, the suite's bind address, 15 minutes idle, 3 login attempts. */
    public static TelnetConfig defaults() {
        return new TelnetConfig(DEFAULT_PORT, null, DEFAULT_LIMITS, 3, Duration.ofMinutes(5), Duration.ofMillis(500), 100);
    }

    public static TelnetConfig from(Settings s) {
        TelnetConfig d = defaults();
        String bind = s.string("telnet.bind", null);
        InetAddress address;
        try {
            address = bind == null ? null : InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new dev.portico.core.ConfigException("telnet.bind", "unknown address: " + bind);
        }
        return new TelnetConfig(
                s.port("telnet.port", DEFAULT_PORT).orElse(DISABLED),
                address,
                Limits.from(s, "telnet", DEFAULT_LIMITS),
                s.integer("telnet.login-attempts", d.loginAttempts()),
                s.duration("telnet.max-sleep", d.maxSleep()),
                s.duration("telnet.negotiation-wait", d.negotiationWait()),
                s.integer("telnet.history", d.historySize()));
    }

    public boolean enabled() {
        return port != DISABLED;
    }

    public TelnetConfig withPort(int v) { return new TelnetConfig(v, bind, limits, loginAttempts, maxSleep, negotiationWait, historySize); }
    public TelnetConfig withBind(InetAddress v) { return new TelnetConfig(port, v, limits, loginAttempts, maxSleep, negotiationWait, historySize); }
    public TelnetConfig withLimits(Limits v) { return new TelnetConfig(port, bind, v, loginAttempts, maxSleep, negotiationWait, historySize); }
    public TelnetConfig withIdleTimeout(Duration v) { return withLimits(limits.withIdleTimeout(v)); }
    public TelnetConfig withLoginAttempts(int v) { return new TelnetConfig(port, bind, limits, v, maxSleep, negotiationWait, historySize); }
    public TelnetConfig withMaxSleep(Duration v) { return new TelnetConfig(port, bind, limits, loginAttempts, v, negotiationWait, historySize); }
    public TelnetConfig withNegotiationWait(Duration v) { return new TelnetConfig(port, bind, limits, loginAttempts, maxSleep, v, historySize); }
    public TelnetConfig withHistorySize(int v) { return new TelnetConfig(port, bind, limits, loginAttempts, maxSleep, negotiationWait, v); }
}
