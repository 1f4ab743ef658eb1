package dev.portico.core;

import java.time.Duration;

/**
 * Per-server resource limits, enforced by {@link LineServer} and {@link LineConnection}.
 *
 * @param maxLineLength   bytes of one line, not counting its line ending
 * @param idleTimeout     how long a read may block before the session is ended
 * @param maxSessions     live sessions on one server
 * @param maxSessionsPerAddress live sessions from one remote address on one server
 * @param shutdownGrace   how long a stop waits for busy sessions to finish
 */
public record Limits(int maxLineLength, Duration idleTimeout, int maxSessions, int maxSessionsPerAddress,
                     Duration shutdownGrace) {

    public static final Limits DEFAULT = new Limits(1000, Duration.ofMinutes(5), 20_000, 200, Duration.ofSeconds(10));

    public Limits {
        if (maxLineLength < 16) throw new IllegalArgumentException("maxLineLength must be at least 16");
        if (maxSessions < 1 || maxSessionsPerAddress < 1) throw new IllegalArgumentException("session limits must be positive");
    }

    public Limits withMaxLineLength(int v) { return new Limits(v, idleTimeout, maxSessions, maxSessionsPerAddress, shutdownGrace); }
    public Limits withIdleTimeout(Duration v) { return new Limits(maxLineLength, v, maxSessions, maxSessionsPerAddress, shutdownGrace); }
    public Limits withMaxSessions(int v) { return new Limits(maxLineLength, idleTimeout, v, maxSessionsPerAddress, shutdownGrace); }
    public Limits withMaxSessionsPerAddress(int v) { return new Limits(maxLineLength, idleTimeout, maxSessions, v, shutdownGrace); }
    public Limits withShutdownGrace(Duration v) { return new Limits(maxLineLength, idleTimeout, maxSessions, maxSessionsPerAddress, v); }

    /**
     * Reads {@code PREFIX.max-line}, {@code PREFIX.idle-timeout}, {@code PREFIX.max-sessions},
     * {@code PREFIX.max-sessions-per-address} and {@code PREFIX.shutdown-grace}, falling back to
     * the unprefixed keys and then to {@code defaults}. The line length has no shared key: each
     * protocol's RFC sets its own (SMTP 512, POP3 255), and one setting must not move them all.
     */
    public static Limits from(Settings s, String prefix, Limits defaults) {
        int maxLine = s.integer(prefix + ".max-line", defaults.maxLineLength());
        int sessions = s.integer(prefix + ".max-sessions", s.integer("max-sessions", defaults.maxSessions()));
        int perAddress = s.integer(prefix + ".max-sessions-per-address",
                s.integer("max-sessions-per-address", defaults.maxSessionsPerAddress()));
        if (maxLine < 16) throw new ConfigException(prefix + ".max-line", "must be at least 16");
        if (sessions < 1) throw new ConfigException(prefix + ".max-sessions", "must be at least 1");
        if (perAddress < 1) throw new ConfigException(prefix + ".max-sessions-per-address", "must be at least 1");
        return new Limits(maxLine,
                s.duration(prefix + ".idle-timeout", s.duration("idle-timeout", defaults.idleTimeout())),
                sessions, perAddress,
                s.duration(prefix + ".shutdown-grace", s.duration("shutdown-grace", defaults.shutdownGrace())));
    }
}
