package dev.portico.core.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted PBKDF2-HMAC-SHA256 password hashes, stored as
 * {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (base64). JDK only.
 *
 * <p>A check can be made to cost a fixed number of iterations whatever it compares against
 * ({@link #verify(char[], String, int)}): a missing user, a malformed stored value and a user
 * hashed with fewer iterations all pay the same, so the time of a failed login does not say which
 * of these it was.
 */
public final class PasswordHash {

    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    private static final String PREFIX = "pbkdf2-sha256";
    /** The salt of padding and of checks against no user: fixed, it protects nothing. */
    private static final byte[] DUMMY_SALT = new byte[16];
    /**
     * PBKDF2 iterations run on each thread: the hook tests read to prove that two logins cost the
     * same, deterministically, where a stopwatch would flake on a busy machine.
     */
    private static final ThreadLocal<long[]> RUN = ThreadLocal.withInitial(() -> new long[1]);

    private final int iterations;

    public PasswordHash(int iterations) {
        if (iterations < 1) throw new IllegalArgumentException("iterations must be positive");
        this.iterations = iterations;
    }

    public PasswordHash() {
        this(DEFAULT_ITERATIONS);
    }

    /** The iterations new hashes get. */
    public int iterations() {
        return iterations;
    }

    public String hash(char[] password) {
        byte[] salt = new byte[16];
        Salts.RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, iterations));
    }

    /** Checks a password against a stored hash; a malformed hash never matches. Costs what the hash says. */
    public static boolean verify(char[] password, String stored) {
        return verify(password, stored, 0);
    }

    /**
     * Checks a password against a stored hash ({@code null} for "no such user", which never
     * matches), running at least {@code cost} PBKDF2 iterations in all: the stored hash's own,
     * then dummy ones up to {@code cost}. A caller passing a cost no stored hash exceeds makes
     * every check, matching or not, existing or not, take the same work.
     */
    public static boolean verify(char[] password, String stored, int cost) {
        String[] p = stored == null ? new String[0] : stored.split("\\$");
        int n = iterationsOf(p);
        boolean ok = false;
        if (n > 0) {
            try {
                byte[] salt = Base64.getDecoder().decode(p[2]);
                byte[] expected = Base64.getDecoder().decode(p[3]);
                ok = MessageDigest.isEqual(expected, derive(password, salt, n));
            } catch (IllegalArgumentException e) {
                n = 0;   // not base64: nothing was derived, the padding below pays for all of it
                ok = false;
            }
        }
        if (cost > n) derive(password, DUMMY_SALT, cost - n);
        return ok;
    }

    /** The iterations a stored hash asks for, or 0 when it is malformed (and will never match). */
    public static int iterationsOf(String stored) {
        return stored == null ? 0 : iterationsOf(stored.split("\\$"));
    }

    private static int iterationsOf(String[] p) {
        if (p.length != 4 || !p[0].equals(PREFIX)) return 0;
        try {
            return Math.max(0, Integer.parseInt(p[1]));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** PBKDF2 iterations this thread has run since it started: the test hook. */
    static long iterationsRunOnThisThread() {
        return RUN.get()[0];
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            RUN.get()[0] += iterations;
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 missing from the JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    /**
     * Drawn on the first new hash (a {@code user add}), not when a server starts: a process's first
     * SecureRandom loads the JDK's security providers, which nothing on the way to ready needs.
     */
    private static final class Salts {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
