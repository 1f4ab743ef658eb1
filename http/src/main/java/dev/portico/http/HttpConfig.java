package dev.portico.http;

import dev.portico.core.ConfigException;
import dev.portico.core.Settings;

import java.net.InetAddress;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Settings of the HTTP listener, read from the {@code http.*} keys by {@link #from(Settings)} only.
 *
 * @param port          the listener's port; empty (the default) when {@code off}
 * @param bind          listen address, or null for the suite's {@code bind} (127.0.0.1 unless set):
 *                      the API has no login, so it listens where only this machine reaches it
 * @param token         when not null, every {@code /api/} request needs {@code Authorization: Bearer TOKEN}
 * @param maxBody       bytes of one request body (a file PUT); larger ones get 413
 * @param maxWait       the longest a client may ask a request to wait for mail ({@code timeout=})
 * @param maxRequests   requests handled at once; more get 503 with {@code Retry-After}
 * @param shutdownGrace how long a stop lets running requests finish
 * @param requestTimeout how long a client may take to send a request, headers and body (whole
 *                      seconds, rounded up; 0 for no bound): a slower one is disconnected. It is
 *                      the JDK's {@code sun.net.httpserver.maxReqTime}, one value per JVM (see
 *                      {@link HttpServer#start()})
 */
public record HttpConfig(OptionalInt port, InetAddress bind, String token, long maxBody, Duration maxWait,
                         int maxRequests, Duration shutdownGrace, Duration requestTimeout) {

    /** The port {@code portico --dev} uses unless {@code http.port} is set: Mailpit's web port, which test setups know. */
    public static final int DEV_PORT = 8025;
    /** JSON bodies (a new user) are small; this bound holds whatever {@code http.max-body} says. */
    public static final int MAX_JSON_BODY = 64 * 1024;

    public HttpConfig {
        if (maxBody < 0) throw new IllegalArgumentException("maxBody must not be negative");
        if (maxRequests < 1) throw new IllegalArgumentException("maxRequests must be positive");
        if (token != null && token.isBlank()) token = null;
        if (requestTimeout.isNegative()) throw new IllegalArgumentException("requestTimeout must not be negative");
    }

    /** Defaults: off, on the shared bind address, no token, 100M bodies, 60 s waits, 100 requests at once, 60 s to send one. */
    public static HttpConfig defaults() {
        return from(Settings.empty());
    }

    /**
     * Reads {@code http.port}, {@code http.bind}, {@code http.token}, {@code http.max-body},
     * {@code http.max-wait}, {@code http.max-requests}, {@code http.shutdown-grace} (falling back
     * to {@code shutdown-grace}) and {@code http.request-timeout}, every one of them whatever the
     * others say.
     */
    public static HttpConfig from(Settings s) {
        OptionalInt port = s.port("http.port", OptionalInt.empty());
        InetAddress bind = s.address("http.bind", null);
        String token = s.string("http.token", null);
        long maxBody = s.size("http.max-body", 100L << 20);
        if (maxBody < 0) throw new ConfigException("http.max-body", "must not be negative");
        Duration maxWait = s.duration("http.max-wait", Duration.ofSeconds(60));
        int maxRequests = s.integer("http.max-requests", 100);
        if (maxRequests < 1) throw new ConfigException("http.max-requests", "must be at least 1");
        Duration grace = s.duration("http.shutdown-grace", s.duration("shutdown-grace", Duration.ofSeconds(10)));
        // Apache's mod_reqtimeout allows 20-40 s for headers; a file PUT of http.max-body needs longer
        Duration requestTimeout = s.duration("http.request-timeout", Duration.ofSeconds(60));
        return new HttpConfig(port, bind, token, maxBody, maxWait, maxRequests, grace, requestTimeout);
    }

    /** Whether the listener runs. */
    public boolean enabled() {
        return port.isPresent();
    }

    @Override
    public String toString() {
        // the token is a secret: a logged configuration must not show it
        return "HttpConfig[port=" + port + ", bind=" + bind + ", token=" + (token == null ? "none" : "(set)")
                + ", maxBody=" + maxBody + ", maxWait=" + maxWait + ", maxRequests=" + maxRequests
                + ", shutdownGrace=" + shutdownGrace + ", requestTimeout=" + requestTimeout + "]";
    }
}
