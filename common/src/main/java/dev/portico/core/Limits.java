package dev.portico.core;

import java.time.Duration;

/**
 * Per-server resource limits, enforced by {@link LineServer} and {@link LineConnection}.
 *
 * @param maxLineLength   bytes of one line, not counting its line ending
 * @param idleTimeout     how long a read may block before the session is ended
 * @param commandTimeout  how long one line may take from its first byte to its line ending; a
 *                        client that dribbles a line a byte at a time, each byte inside the idle
 *                        timeout, is closed after this; zero for no bound
 * @param maxSessions     live sessions on one server
 * @param maxSessionsPerAddress live sessions from one remote address on one server
 * @param shutdownGrace   how long a stop waits for busy sessions to finish
 */
public record Limits(int maxLineLength, Duration idleTimeout, Duration commandTimeout, int maxSessions,
                     int maxSessionsPerAddress, Duration shutdownGrace) {

    /**
     * The longest a command line may take by default: as Postfix's {@code smtpd_timeout} (300 s),
     * which bounds a whole request when its per-request deadline is on; shorter when the idle
     * timeout is shorter.
     */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Lines of 1000 bytes, 5 minutes idle and per command line, 200 sessions per address, 10 s
     * shutdown grace, and {@linkplain Descriptors#defaultMaxSessions() max-sessions derived from
     * the process's open-file limit}.
     */
    public static final Limits DEFAULT = new Limits(1000, Duration.ofMinutes(5), DEFAULT_COMMAND_TIMEOUT,
            Descriptors.defaultMaxSessions(), 200, Duration.ofSeconds(10));

    public Limits {
        if (maxLineLength < 16) throw new IllegalArgumentException("maxLineLength must be at least 16");
        if (maxSessions < 1 || maxSessionsPerAddress < 1) throw new IllegalArgumentException("session limits must be positive");
        if (commandTimeout.isNegative() || idleTimeout.isNegative()) throw new IllegalArgumentException("timeouts must not be negative");
    }

    public Limits withMaxLineLength(int v) { return new Limits(v, idleTimeout, commandTimeout, maxSessions, maxSessionsPerAddress, shutdownGrace); }
    public Limits withIdleTimeout(Duration v) { return new Limits(maxLineLength, v, commandTimeout, maxSessions, maxSessionsPerAddress, shutdownGrace); }
    public Limits withCommandTimeout(Duration v) { return new Limits(maxLineLength, idleTimeout, v, maxSessions, maxSessionsPerAddress, shutdownGrace); }
    public Limits withMaxSessions(int v) { return new Limits(maxLineLength, idleTimeout, commandTimeout, v, maxSessionsPerAddress, shutdownGrace); }
    public Limits withMaxSessionsPerAddress(int v) { return new Limits(maxLineLength, idleTimeout, commandTimeout, maxSessions, v, shutdownGrace); }
    public Limits withShutdownGrace(Duration v) { return new Limits(maxLineLength, idleTimeout, commandTimeout, maxSessions, maxSessionsPerAddress, v); }

    /**
     * Reads {@code PREFIX.max-line}, {@code PREFIX.idle-timeout}, {@code PREFIX.command-timeout},
     * {@code PREFIX.max-sessions}, {@code PREFIX.max-sessions-per-address} and
     * {@code PREFIX.shutdown-grace}, falling back to the unprefixed keys and then to
     * {@code defaults}. The line length has no shared key: each protocol's RFC sets its own
     * (SMTP 512, POP3 255), and one setting must not move them all. Without a setting, the
     * command timeout is the default's, or the idle timeout when that is shorter, so that
     * {@code idle-timeout=20s} alone also closes a client that takes longer over one line.
     */
    public static Limits from(Settings s, String prefix, Limits defaults) {
        int maxLine = s.integer(prefix + ".max-line", defaults.maxLineLength());
        int sessions = s.integer(prefix + ".max-sessions", s.integer("max-sessions", defaults.maxSessions()));
        int perAddress = s.integer(prefix + ".max-sessions-per-address",
                s.integer("max-sessions-per-address", defaults.maxSessionsPerAddress()));
        if (maxLine < 16) throw new ConfigException(prefix + ".max-line", "must be at least 16");
        if (sessions < 1) throw new ConfigException(prefix + ".max-sessions", "must be at least 1");
        if (perAddress < 1) throw new ConfigException(prefix + ".max-sessions-per-address", "must be at least 1");
        Duration idle = s.duration(prefix + ".idle-timeout", s.duration("idle-timeout", defaults.idleTimeout()));
        Duration commandDefault = defaults.commandTimeout();
        if (!idle.isZero() && (commandDefault.isZero() || idle.compareTo(commandDefault) < 0)) commandDefault = idle;
        Duration command = s.duration(prefix + ".command-timeout", s.duration("command-timeout", commandDefault));
        return new Limits(maxLine, idle, command, sessions, perAddress,
                s.duration(prefix + ".shutdown-grace", s.duration("shutdown-grace", defaults.shutdownGrace())));
    }
}
