package dev.portico.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The administrators logged in to the status page: a random 128-bit session id in an
 * {@code HttpOnly}, {@code SameSite=Strict} cookie scoped to {@code /status}, and a CSRF token of
 * its own per session that every POST must carry. Kept in memory: a restart logs everyone out.
 */
final class StatusLogins {

    /** One logged-in administrator. */
    record Login(String id, String user, String csrf, Instant expires) {}

    static final String COOKIE = "portico-status";
    static final Duration LIFETIME = Duration.ofHours(8);
    /** Only admins with their password get here, but the table stays bounded all the same. */
    private static final int MAX = 1000;

    private final Map<String, Login> byId = new ConcurrentHashMap<>();

    /** Made on the first login, not at start: seeding costs time nobody needs to spend if the page is never used. */
    private static final class Random {
        static final SecureRandom SOURCE = new SecureRandom();
    }

    Login open(String user) {
        Instant now = Instant.now();
        byId.values().removeIf(l -> l.expires().isBefore(now));
        while (byId.size() >= MAX) {
            byId.values().stream().min(Comparator.comparing(Login::expires)).ifPresent(l -> byId.remove(l.id()));
        }
        Login l = new Login(random(), user, random(), now.plus(LIFETIME));
        byId.put(l.id(), l);
        return l;
    }

    /** The login the request's cookie names, if it is still valid. */
    Optional<Login> find(String cookieHeader) {
        String id = cookie(cookieHeader);
        if (id == null) return Optional.empty();
        Login l = byId.get(id);
        if (l == null) return Optional.empty();
        if (l.expires().isBefore(Instant.now())) {
            byId.remove(id, l);
            return Optional.empty();
        }
        return Optional.of(l);
    }

    void close(Login l) {
        byId.remove(l.id(), l);
    }

    /** Compared in constant time, so the answer's timing does not tell how much of a guess was right. */
    static boolean csrfMatches(Login l, String token) {
        return token != null && MessageDigest.isEqual(l.csrf().getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.UTF_8));
    }

    static String setCookie(Login l) {
        return COOKIE + "=" + l.id() + "; Path=/status; Max-Age=" + LIFETIME.toSeconds() + "; HttpOnly; SameSite=Strict";
    }

    static String clearCookie() {
        return COOKIE + "=; Path=/status; Max-Age=0; HttpOnly; SameSite=Strict";
    }

    /** The value of this page's cookie in a {@code Cookie} header (RFC 6265 §5.4: {@code name=value; name=value}). */
    private static String cookie(String header) {
        if (header == null) return null;
        for (String pair : header.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(COOKIE)) return pair.substring(eq + 1).trim();
        }
        return null;
    }

    private static String random() {
        byte[] b = new byte[16];
        Random.SOURCE.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
