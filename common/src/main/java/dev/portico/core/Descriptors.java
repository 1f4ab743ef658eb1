package dev.portico.core;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.TimeUnit;

/**
 * The process's file descriptors, the resource every session spends: its socket, and while it
 * works an FTP data connection and the file it moves, an SMTP spool file, the Maildir files of
 * a delivery. A process out of descriptors cannot even accept a connection to refuse it, so
 * every new client of every protocol hangs. The session limits are derived from them here, so
 * that a full server refuses with its protocol's {@code 421} line instead.
 *
 * <p>The limit, and what the process has open at the first use of this class (early in a
 * start: the JDK's modules file, jars, standard streams, log files), are measured once. A
 * quarter of the limit is kept as headroom for what sessions open besides their socket; the
 * rest is the <em>session pool</em>, which {@link SessionRegistry} holds all servers to. As the
 * headroom is an estimate, {@link #admitsAnother()} also looks at what is really open once the
 * pool is a quarter full, and refuses while fewer than {@link #reserve()} descriptors are free.
 */
public final class Descriptors {

    /**
     * The limit assumed where the JDK cannot tell (not a Unix system, or no
     * {@code com.sun.management}): a common soft limit, low enough to be safe anywhere.
     */
    public static final long FALLBACK_LIMIT = 8192;
    /** The most one session holds at once: FTP's control connection, passive listener, data connection and file. */
    static final int MOST_PER_SESSION = 4;

    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();
    private static final long LIMIT = measureLimit();
    private static final long OPEN_AT_START = Math.max(0, open());
    private static final long HEADROOM = Math.max(32, LIMIT / 4);
    private static final int POOL = (int) Math.max(1, Math.min(Integer.MAX_VALUE, LIMIT - OPEN_AT_START - HEADROOM));
    /** 2% of the limit, at least 16: for accepting (and refusing) and for what sessions open meanwhile. */
    private static final long RESERVE = Math.max(16, LIMIT / 50);
    private static final long RESAMPLE_WHILE_SHORT = TimeUnit.MILLISECONDS.toNanos(100);

    private static boolean sampled;
    private static long sampledAt;
    private static long free;
    private static long admittedSinceSample;

    private Descriptors() {}

    private static long measureLimit() {
        if (OS instanceof UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            if (max > 0) return max;
        }
        return FALLBACK_LIMIT;
    }

    /** The process's open-file limit ({@code ulimit -n}), or {@link #FALLBACK_LIMIT} when unknown. */
    public static long limit() {
        return LIMIT;
    }

    /** Descriptors open in the process now, or -1 when the JDK cannot tell. Lists {@code /proc/self/fd} on Linux. */
    public static long open() {
        return OS instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
    }

    /**
     * Sessions all servers together may hold: the limit minus what was open at the first use of
     * this class minus a quarter of the limit for data connections, files and deliveries.
     */
    public static int sessionPool() {
        return POOL;
    }

    /** Free descriptors under which a new connection is refused (2% of the limit, at least 16). */
    public static long reserve() {
        return RESERVE;
    }

    /**
     * The default {@code max-sessions} of one server: half of the session pool, so that a flood
     * on one port leaves room for the other servers, which together are held to the whole pool.
     */
    public static int defaultMaxSessions() {
        return Math.max(1, POOL / 2);
    }

    /**
     * Whether one more session may start: false while fewer than {@link #reserve()} descriptors
     * are free. Counting open descriptors lists them, so it is done only when the sessions
     * admitted since the last count could have used up what was then free beyond the reserve
     * ({@link #MOST_PER_SESSION} each), and while short, at most every 100 ms.
     */
    static synchronized boolean admitsAnother() {
        long now = System.nanoTime();
        boolean stale = !sampled || (free < RESERVE ? now - sampledAt > RESAMPLE_WHILE_SHORT
                : admittedSinceSample >= (free - RESERVE) / MOST_PER_SESSION);
        if (stale) {
            long open = open();
            free = open < 0 ? Long.MAX_VALUE : LIMIT - open;
            sampled = true;
            sampledAt = now;
            admittedSinceSample = 0;
        }
        if (free < RESERVE) return false;
        admittedSinceSample++;
        return true;
    }
}
