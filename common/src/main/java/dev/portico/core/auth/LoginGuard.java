package dev.portico.core.auth;

import dev.portico.core.ConnectionFilter;
import dev.portico.core.LogSafe;
import dev.portico.core.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Every login of every protocol goes through here: failures are slowed down per remote address
 * and per user name, and an address that keeps failing is banned for a while from every server
 * at once (the listeners ask {@link #admits} at accept). Brute force becomes impractical;
 * a correct password stays cheap. The name a client tried is logged escaped ({@link LogSafe}): it
 * may hold line feeds meant to forge log lines.
 */
public final class LoginGuard implements ConnectionFilter {

    private static final Logger log = LoggerFactory.getLogger(LoginGuard.class);
    /** Bounds the failure tables, so a flood of distinct names or addresses cannot grow memory. */
    private static final int MAX_TRACKED = 100_000;

    /**
     * @param firstDelay  pause after a first failure, doubled on each further one
     * @param maxDelay    the longest pause
     * @param banAfter    failures from one address within {@code window} that get it banned
     * @param window      how long a failure is remembered
     * @param banDuration how long a ban lasts
     */
    public record Policy(Duration firstDelay, Duration maxDelay, int banAfter, Duration window, Duration banDuration) {
        public static final Policy DEFAULT = new Policy(Duration.ofMillis(500), Duration.ofSeconds(8), 10,
                Duration.ofMinutes(15), Duration.ofMinutes(30));

        public static Policy from(Settings s) {
            return new Policy(
                    s.duration("login.failure-delay", DEFAULT.firstDelay()),
                    s.duration("login.max-failure-delay", DEFAULT.maxDelay()),
                    s.integer("login.ban-after", DEFAULT.banAfter()),
                    s.duration("login.failure-window", DEFAULT.window()),
                    s.duration("login.ban-duration", DEFAULT.banDuration()));
        }
    }

    /** A banned address and when its ban ends. */
    public record Ban(InetAddress address, Instant until) {}

    private record Failures(int count, Instant first) {}

    private final UserDirectory users;
    private final Policy policy;
    private final Map<InetAddress, Failures> byAddress = new ConcurrentHashMap<>();
    private final Map<String, Failures> byUser = new ConcurrentHashMap<>();
    private final Map<InetAddress, Instant> bans = new ConcurrentHashMap<>();

    public LoginGuard(UserDirectory users, Policy policy) {
        this.users = users;
        this.policy = policy;
    }

    /**
     * Checks a login. On failure sleeps the current penalty before returning (sessions run on
     * virtual threads, so the pause costs nothing but the attacker's time). A banned address
     * always fails.
     *
     * @param protocol for the log line
     */
    public Optional<User> login(String protocol, InetAddress from, String name, char[] password) {
        return login(protocol, from, name, password, u -> true);
    }

    /**
     * As {@link #login(String, InetAddress, String, char[])}, where a user the password proves but
     * {@code allowed} refuses (a non-admin at the status page) fails, and counts, like a wrong
     * password: what a door lets in is the door's business, not a hint to whoever tries it.
     */
    public Optional<User> login(String protocol, InetAddress from, String name, char[] password, Predicate<User> allowed) {
        if (isBanned(from)) {
            log.info("{}: login as {} from banned {}", protocol, LogSafe.text(name), from.getHostAddress());
            pause(policy.maxDelay());
            return Optional.empty();
        }
        Optional<User> user = users.authenticate(name, password).filter(allowed);
        if (user.isPresent()) {
            byAddress.remove(from);
            byUser.remove(user.get().name());
            log.info("{}: {} logged in from {}", protocol, user.get().name(), from.getHostAddress());
            return user;
        }
        int fromThere = record(byAddress, from);
        int forName = name == null ? 0 : record(byUser, name.toLowerCase(Locale.ROOT));
        log.info("{}: failed login as {} from {} ({} failures from there)", protocol, LogSafe.text(name), from.getHostAddress(), fromThere);
        if (fromThere >= policy.banAfter()) {
            bans.put(from, Instant.now().plus(policy.banDuration()));
            byAddress.remove(from);
            log.warn("banned {} for {} after {} failed logins", from.getHostAddress(), policy.banDuration(), fromThere);
        }
        pause(delayFor(Math.max(fromThere, forName)));
        return Optional.empty();
    }

    private Duration delayFor(int failures) {
        long ms = policy.firstDelay().toMillis() << Math.min(20, Math.max(0, failures - 1));
        return Duration.ofMillis(Math.min(ms, policy.maxDelay().toMillis()));
    }

    private <K> int record(Map<K, Failures> table, K key) {
        Instant now = Instant.now();
        if (table.size() > MAX_TRACKED) table.values().removeIf(f -> f.first().plus(policy.window()).isBefore(now));
        if (table.size() > MAX_TRACKED) table.clear();
        return table.merge(key, new Failures(1, now), (old, one) ->
                old.first().plus(policy.window()).isBefore(now) ? one : new Failures(old.count() + 1, old.first())).count();
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every address that is not banned may connect. */
    @Override
    public boolean admits(InetAddress address) {
        return !isBanned(address);
    }

    public boolean isBanned(InetAddress address) {
        Instant until = bans.get(address);
        if (until == null) return false;
        if (until.isAfter(Instant.now())) return true;
        bans.remove(address, until);
        return false;
    }

    public List<Ban> bans() {
        Instant now = Instant.now();
        bans.values().removeIf(now::isAfter);
        return bans.entrySet().stream().map(e -> new Ban(e.getKey(), e.getValue()))
                .sorted(Comparator.comparing(Ban::until)).toList();
    }

    public boolean unban(InetAddress address) {
        byAddress.remove(address);
        return bans.remove(address) != null;
    }
}
