package dev.portico.core.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.portico.core.Cidr;
import dev.portico.core.ConfigException;
import dev.portico.core.ConnectionFilter;
import dev.portico.core.Events;
import dev.portico.core.LogSafe;
import dev.portico.core.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Every login of every protocol goes through here: failures are slowed down per remote address
 * and per user name, and an address that keeps failing is banned for a while from every server
 * at once (the listeners ask {@link #admits} at accept). Brute force becomes impractical;
 * a correct password stays cheap. An IPv6 client counts by its /64 (or {@code login.ipv6-prefix}):
 * one subscriber is handed a whole /64 and picks a fresh address in it at no cost. The name a client tried is logged escaped ({@link LogSafe}): it
 * may hold line feeds meant to forge log lines.
 */
public final class LoginGuard implements ConnectionFilter {

    private static final Logger log = LoggerFactory.getLogger(LoginGuard.class);
    /**
     * Bounds each table, so a flood of distinct names or addresses cannot grow memory: past it
     * the least useful entries go (Caffeine's size eviction), not every entry at once.
     */
    static final int MAX_TRACKED = 100_000;

    /**
     * @param firstDelay  pause after a first failure, doubled on each further one
     * @param maxDelay    the longest pause
     * @param banAfter    failures from one address within {@code window} that get it banned
     * @param window      how long a failure is remembered
     * @param banDuration how long a ban lasts
     * @param ipv6Prefix  leading bits of an IPv6 address that failures and bans count against (1..128)
     */
    public record Policy(Duration firstDelay, Duration maxDelay, int banAfter, Duration window, Duration banDuration,
                         int ipv6Prefix) {
        public static final int DEFAULT_IPV6_PREFIX = 64;
        public static final Policy DEFAULT = new Policy(Duration.ofMillis(500), Duration.ofSeconds(8), 10,
                Duration.ofMinutes(15), Duration.ofMinutes(30));

        public Policy {
            if (ipv6Prefix < 1 || ipv6Prefix > 128) throw new IllegalArgumentException("ipv6Prefix must be 1..128");
        }

        /** A policy that counts IPv6 clients by their /64. */
        public Policy(Duration firstDelay, Duration maxDelay, int banAfter, Duration window, Duration banDuration) {
            this(firstDelay, maxDelay, banAfter, window, banDuration, DEFAULT_IPV6_PREFIX);
        }

        public static Policy from(Settings s) {
            int prefix = s.integer("login.ipv6-prefix", DEFAULT_IPV6_PREFIX);
            if (prefix < 1 || prefix > 128) throw new ConfigException("login.ipv6-prefix", "must be 1 to 128");
            return new Policy(
                    s.duration("login.failure-delay", DEFAULT.firstDelay()),
                    s.duration("login.max-failure-delay", DEFAULT.maxDelay()),
                    s.integer("login.ban-after", DEFAULT.banAfter()),
                    s.duration("login.failure-window", DEFAULT.window()),
                    s.duration("login.ban-duration", DEFAULT.banDuration()),
                    prefix);
        }

        /** What one client's failures and bans count against: its IPv4 address, or its IPv6 prefix. */
        public Cidr blockOf(InetAddress address) {
            return Cidr.of(address, address instanceof Inet6Address ? ipv6Prefix : 32);
        }
    }

    /**
     * A ban and when it ends.
     *
     * @param address      the banned address, or the first address of the banned IPv6 prefix
     * @param prefixLength 32 for an IPv4 address, the policy's {@code ipv6Prefix} for IPv6
     */
    public record Ban(InetAddress address, Instant until, int prefixLength) {
        /** The banned block: {@code 192.0.2.7}, {@code 2001:db8:0:1:0:0:0:0/64}. */
        public Cidr block() {
            return Cidr.of(address, prefixLength);
        }
    }

    private record Failures(int count, Instant first) {}

    private final UserDirectory users;
    private final Policy policy;
    private final Events events;
    private final int maxTracked;
    /**
     * Made at the first failed login: loading Caffeine takes a tenth of a second, which a start,
     * and a server nobody mistypes a password on, need not pay.
     */
    private volatile Tables tables;

    private record Tables(Map<Cidr, Failures> byAddress, Map<String, Failures> byUser, Map<Cidr, Instant> bans) {}

    /** A guard whose logins and bans nobody observes (fixtures). */
    public LoginGuard(UserDirectory users, Policy policy) {
        this(users, policy, Events.NONE);
    }

    /** @param events told of every login attempt and every ban */
    public LoginGuard(UserDirectory users, Policy policy, Events events) {
        this(users, policy, events, MAX_TRACKED);
    }

    /** @param maxTracked entries each table keeps at most (tests use a small one) */
    LoginGuard(UserDirectory users, Policy policy, int maxTracked) {
        this(users, policy, Events.NONE, maxTracked);
    }

    private LoginGuard(UserDirectory users, Policy policy, Events events, int maxTracked) {
        this.users = users;
        this.policy = policy;
        this.events = events;
        this.maxTracked = maxTracked;
    }

    private Tables tables() {
        Tables t = tables;
        if (t != null) return t;
        synchronized (this) {
            if (tables == null) {
                // Each ban leaves the table when it ends; the bound only matters to a flood of addresses.
                Cache<Cidr, Instant> banned = Caffeine.newBuilder().maximumSize(maxTracked).executor(Runnable::run)
                        .expireAfter(Expiry.writing((Cidr block, Instant until) -> Duration.between(Instant.now(), until)))
                        .build();
                tables = new Tables(failureTable(), failureTable(), banned.asMap());
            }
            return tables;
        }
    }

    /**
     * A failure entry is stale once its window has passed since its last failure at the latest,
     * so expiring it then loses nothing ({@link #record} also restarts a count whose window,
     * counted from its first failure, is over).
     */
    private <K> Map<K, Failures> failureTable() {
        // Maintenance (eviction) on the failing session's own thread: a login failure waits out its
        // penalty anyway, and the tables never lag behind their bound.
        Cache<K, Failures> c = Caffeine.newBuilder().maximumSize(maxTracked).expireAfterWrite(policy.window())
                .executor(Runnable::run).build();
        return c.asMap();
    }

    /**
     * Checks a login. On failure sleeps the current penalty before returning (mostly on a virtual
     * thread, at worst on one of the few platform threads conversing sessions share, which others
     * then do without: the pause costs the attacker's time, not the server's). A banned address
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
        Cidr block = policy.blockOf(from);
        if (isBanned(from)) {
            log.info("{}: login as {} from banned {}", protocol, LogSafe.text(name), from.getHostAddress());
            events.login(protocol, from, name, false);
            pause(policy.maxDelay());
            return Optional.empty();
        }
        Optional<User> user = users.authenticate(name, password).filter(allowed);
        if (user.isPresent()) {
            Tables t = tables;
            if (t != null) {
                t.byAddress().remove(block);
                t.byUser().remove(user.get().name());
            }
            log.info("{}: {} logged in from {}", protocol, user.get().name(), from.getHostAddress());
            events.login(protocol, from, user.get().name(), true);
            return user;
        }
        Tables t = tables();
        int fromThere = record(t.byAddress(), block);
        int forName = name == null ? 0 : record(t.byUser(), name.toLowerCase(Locale.ROOT));
        log.info("{}: failed login as {} from {} ({} failures from there)", protocol, LogSafe.text(name), from.getHostAddress(), fromThere);
        events.login(protocol, from, name, false);
        if (fromThere >= policy.banAfter()) {
            t.bans().put(block, Instant.now().plus(policy.banDuration()));
            t.byAddress().remove(block);
            log.warn("banned {} for {} after {} failed logins", block, policy.banDuration(), fromThere);
            events.banned(from, policy.banDuration());
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

    /** An IPv6 client counts by its prefix for the per-address session limits too. */
    @Override
    public Cidr blockOf(InetAddress address) {
        return policy.blockOf(address);
    }

    /** Whether {@code address}, or the IPv6 prefix it is in, is banned. */
    public boolean isBanned(InetAddress address) {
        Tables t = tables;
        if (t == null) return false;
        Cidr block = policy.blockOf(address);
        Instant until = t.bans().get(block);
        if (until == null) return false;
        if (until.isAfter(Instant.now())) return true;
        t.bans().remove(block, until);
        return false;
    }

    /** Bans in force, the soonest to end first; an IPv6 ban names its prefix. */
    public List<Ban> bans() {
        Tables t = tables;
        if (t == null) return List.of();
        Instant now = Instant.now();
        return t.bans().entrySet().stream().filter(e -> e.getValue().isAfter(now))
                .map(e -> new Ban(e.getKey().address(), e.getValue(), e.getKey().bits()))
                .sorted(Comparator.comparing(Ban::until)).toList();
    }

    /** Lifts the ban on {@code address}, or on the IPv6 prefix that holds it, and forgets its failures. */
    public boolean unban(InetAddress address) {
        return unban(policy.blockOf(address));
    }

    /** Lifts the ban on a block as {@link #bans()} lists it, and forgets its failures. */
    public boolean unban(Cidr block) {
        Tables t = tables;
        if (t == null) return false;
        t.byAddress().remove(block);
        return t.bans().remove(block) != null;
    }
}
