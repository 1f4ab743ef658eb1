package dev.portico.core;

import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The slowest an upload (an SMTP message body, an FTP STOR) may arrive, measured over windows of
 * {@code window}: a client that keeps each read inside the idle timeout but sends a byte every
 * few seconds would otherwise hold its session, and the descriptors behind it, for ever. Postfix
 * has the same bound ({@code smtpd_min_data_rate}, 500 bytes/s, with its per-request deadline),
 * Apache httpd too ({@code mod_reqtimeout}'s {@code MinRate=500}).
 *
 * <p>Windows, not the average since the start: a client that sent fast first must not earn the
 * right to dribble for as long afterwards.
 *
 * @param bytesPerSecond the minimum rate; 0 turns the check off
 * @param window         how long the rate is measured over before it is judged
 */
public record MinDataRate(long bytesPerSecond, Duration window) {

    /**
     * 100 bytes a second over a minute: a fifth of Postfix's and Apache's 500, so even a GPRS
     * link (5,000 bytes a second and more) is far above it, while a client sending a byte every
     * two seconds is cut within a minute or two.
     */
    public static final MinDataRate DEFAULT = new MinDataRate(100, Duration.ofMinutes(1));

    public MinDataRate {
        if (bytesPerSecond < 0) throw new IllegalArgumentException("bytesPerSecond must not be negative");
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive");
    }

    /**
     * Reads {@code PREFIX.min-data-rate} (bytes a second, {@code K} and {@code M} suffixes, 0
     * for off) and {@code PREFIX.min-data-rate-window}, each falling back to the unprefixed key
     * and then to {@code defaults}.
     */
    public static MinDataRate from(Settings s, String prefix, MinDataRate defaults) {
        long rate = s.size(prefix + ".min-data-rate", s.size("min-data-rate", defaults.bytesPerSecond()));
        if (rate < 0) throw new ConfigException(prefix + ".min-data-rate", "must not be negative");
        Duration window = s.duration(prefix + ".min-data-rate-window", s.duration("min-data-rate-window", defaults.window()));
        if (window.isZero()) throw new ConfigException(prefix + ".min-data-rate-window", "must be longer than 0");
        return new MinDataRate(rate, window);
    }

    public boolean isOff() {
        return bytesPerSecond == 0;
    }

    /** A meter whose first window starts now. */
    public Meter start() {
        return start(System.nanoTime());
    }

    /** A meter whose first window starts at {@code now} ({@link System#nanoTime()}). */
    Meter start(long now) {
        return new Meter(now);
    }

    /** Judges one upload; used by one thread. */
    public final class Meter {
        private long windowStart;
        private long windowStartTotal;
        private long total;

        private Meter(long now) {
            windowStart = now;
        }

        /**
         * Whether the upload, {@code total} bytes so far at {@code now} ({@link System#nanoTime()}),
         * moved fewer bytes than the rate asks for in a window that has ended. A window that
         * passed the test starts the next one.
         */
        public boolean behind(long total, long now) {
            long elapsed = now - windowStart;
            if (isOff() || elapsed < window.toNanos()) return false;
            double needed = bytesPerSecond * (elapsed / 1e9);
            if (total - windowStartTotal < needed) return true;
            windowStart = now;
            windowStartTotal = total;
            return false;
        }

        /**
         * Counts {@code n} more bytes just read.
         *
         * @throws SlowTransferException when the rate was not kept: the caller answers it as an
         *         idle timeout (it is a {@link SocketTimeoutException}) and closes
         */
        public void count(long n) throws SlowTransferException {
            total += n;
            if (behind(total, System.nanoTime())) throw new SlowTransferException(MinDataRate.this);
        }
    }

    /** An upload slower than its {@link MinDataRate}. */
    public static final class SlowTransferException extends SocketTimeoutException {
        public SlowTransferException(MinDataRate rate) {
            super("data slower than " + rate.bytesPerSecond() + " bytes/s over " + rate.window().toMillis() + " ms");
        }
    }
}
