package dev.portico.smtp.relay;

import dev.portico.core.ConfigException;
import dev.portico.core.Settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of mail sent onward (the relay), read from the {@code smtp.relay.*} keys and
 * {@code dns.servers} by {@link #from(Settings)} only, every key unconditionally.
 *
 * @param smartHost         {@code smtp.relay.host=HOST:PORT}: every message goes there; null for MX delivery
 * @param tls               STARTTLS towards the remote: {@code required}, {@code opportunistic} (the default) or {@code off}
 * @param username          AUTH user at the smart host ({@code smtp.relay.username}), or null
 * @param password          its password ({@code smtp.relay.password}), or null
 * @param trustStore        PEM certificates a smart host's certificate is checked against under {@code required},
 *                          instead of the JDK's trusted authorities ({@code smtp.relay.trust-store}); null for the JDK's
 * @param mxPort            the port of MX delivery ({@code smtp.relay.mx-port}, 25; tests point it elsewhere)
 * @param retry             waits between attempts ({@code smtp.relay.retry}); the last one repeats
 * @param maxLifetime       how long a message is retried before it bounces ({@code smtp.relay.max-lifetime}, 5d)
 * @param delayWarning      age after which a sender who asked (NOTIFY=DELAY) is told of the delay (4h)
 * @param maxConnections    outbound connections at once, in total ({@code smtp.relay.max-connections})
 * @param maxPerDestination outbound connections at once to one domain or the smart host
 * @param connectTimeout    for opening a connection ({@code smtp.relay.connect-timeout})
 * @param timeout           for each reply of the remote ({@code smtp.relay.timeout})
 * @param dnsServers        {@code dns.servers}: resolvers as {@code host[:port]}; empty for the system's
 */
public record RelayConfig(HostPort smartHost, TlsPolicy tls, String username, String password, Path trustStore,
                          int mxPort, List<Duration> retry, Duration maxLifetime, Duration delayWarning,
                          int maxConnections, int maxPerDestination, Duration connectTimeout, Duration timeout,
                          List<HostPort> dnsServers) {

    /** STARTTLS towards the remote. */
    public enum TlsPolicy {
        /** No delivery without TLS; the smart host's certificate is verified. */
        REQUIRED,
        /** TLS when offered, any certificate (Postfix's {@code may}: encryption against passive listeners). */
        OPPORTUNISTIC,
        /** Never. */
        OFF
    }

    /** A host and a port. */
    public record HostPort(String host, int port) {
        static HostPort parse(String key, String value, int defaultPort) {
            String v = value.trim();
            String host = v;
            int port = defaultPort;
            int colon = v.lastIndexOf(':');
            boolean bracketed = v.startsWith("[");
            if (bracketed) {
                int close = v.indexOf(']');
                if (close < 0) throw new ConfigException(key, "unclosed [ in " + value);
                host = v.substring(1, close);
                if (close + 1 < v.length()) {
                    if (v.charAt(close + 1) != ':') throw new ConfigException(key, "not host:port: " + value);
                    port = parsePort(key, v.substring(close + 2));
                }
            } else if (colon > 0 && v.indexOf(':') == colon) {
                host = v.substring(0, colon);
                port = parsePort(key, v.substring(colon + 1));
            }
            if (host.isBlank()) throw new ConfigException(key, "no host in " + value);
            return new HostPort(host, port);
        }

        private static int parsePort(String key, String p) {
            try {
                int port = Integer.parseInt(p);
                if (port >= 1 && port <= 65535) return port;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new ConfigException(key, "not a port: " + p);
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Postfix's growth from {@code minimal_backoff_time} (5 minutes) towards {@code maximal_backoff_time}. */
    public static final List<Duration> DEFAULT_RETRY = List.of(Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofMinutes(20), Duration.ofMinutes(40), Duration.ofMinutes(70));

    public RelayConfig {
        retry = List.copyOf(retry);
        dnsServers = List.copyOf(dnsServers);
    }

    /** Reads every relay key, each one unconditionally; errors name the key. */
    public static RelayConfig from(Settings s) {
        String host = s.string("smtp.relay.host", null);
        HostPort smartHost = host == null ? null : HostPort.parse("smtp.relay.host", host, 25);
        TlsPolicy tls = s.choice("smtp.relay.tls", TlsPolicy.class, TlsPolicy.OPPORTUNISTIC);
        String username = s.string("smtp.relay.username", null);
        String password = s.string("smtp.relay.password", null);
        if ((username == null) != (password == null)) {
            throw new ConfigException(username == null ? "smtp.relay.username" : "smtp.relay.password",
                    "smtp.relay.username and smtp.relay.password go together");
        }
        String trust = s.string("smtp.relay.trust-store", null);
        int mxPort = s.integer("smtp.relay.mx-port", 25);
        require(mxPort >= 1 && mxPort <= 65535, "smtp.relay.mx-port", "not a port");
        List<Duration> retry = new ArrayList<>();
        for (String d : s.list("smtp.relay.retry", List.of())) {
            try {
                retry.add(Settings.parseDuration(d));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("smtp.relay.retry", "not a duration: " + d + " (use 5m,10m,20m,1h)");
            }
        }
        if (retry.isEmpty()) retry = DEFAULT_RETRY;
        require(retry.stream().noneMatch(d -> d.isNegative() || d.isZero()), "smtp.relay.retry", "every wait must be positive");
        Duration maxLifetime = s.duration("smtp.relay.max-lifetime", Duration.ofDays(5));
        Duration delayWarning = s.duration("smtp.relay.delay-warning", Duration.ofHours(4));
        int maxConnections = s.integer("smtp.relay.max-connections", 20);
        require(maxConnections >= 1, "smtp.relay.max-connections", "must be at least 1");
        int maxPerDestination = s.integer("smtp.relay.max-per-destination", 5);
        require(maxPerDestination >= 1, "smtp.relay.max-per-destination", "must be at least 1");
        Duration connectTimeout = s.duration("smtp.relay.connect-timeout", Duration.ofSeconds(30));
        Duration timeout = s.duration("smtp.relay.timeout", Duration.ofMinutes(5));
        List<HostPort> dns = s.list("dns.servers", List.of()).stream().map(d -> HostPort.parse("dns.servers", d, 53)).toList();
        return new RelayConfig(smartHost, tls, username, password, trust == null ? null : Path.of(trust), mxPort, retry,
                maxLifetime, delayWarning, maxConnections, maxPerDestination, connectTimeout, timeout, dns);
    }

    /** The wait before attempt {@code attempts + 1}, after {@code attempts} failed ones. */
    public Duration retryAfter(int attempts) {
        return retry.get(Math.max(0, Math.min(attempts - 1, retry.size() - 1)));
    }

    private static void require(boolean valid, String key, String problem) {
        if (!valid) throw new ConfigException(key, problem);
    }
}
