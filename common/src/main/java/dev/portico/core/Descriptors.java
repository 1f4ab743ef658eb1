package dev.portico.core;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The process's file descriptors, the resource every session spends: its socket, an FTP data
 * connection and the file it moves, an SMTP spool file and the Maildir files of a delivery. The
 * default session limits are derived from them here, so that a full server refuses a client with
 * its protocol's {@code 421} line instead of running out of descriptors, which makes
 * {@code accept} fail and leaves every new client of every protocol hanging.
 *
 * <p>Everything is measured once, when the class is first used (early in a start): the limit,
 * and what the process already has open then (the JDK's modules file, jars, standard streams,
 * log files). What sessions may use, the <em>session pool</em>, is the limit minus that and a
 * margin for what opens later (more jars, the virtual-thread pollers, a rolled log file) and for
 * the descriptor each refused connection holds while it gets its refusal line.
 */
public final class Descriptors {

    /**
     * The limit assumed where the JDK cannot tell (not a Unix system, or no
     * {@code com.sun.management}): a common soft limit, low enough to be safe anywhere.
     */
    public static final long FALLBACK_LIMIT = 8192;

    private static final long LIMIT = measureLimit();
    private static final long OPEN_AT_START = Math.max(0, open());
    /** 5% of the limit, at least 32: what opens after the measurement, and refusals in flight. */
    private static final long MARGIN = Math.max(32, LIMIT / 20);
    private static final int POOL = (int) Math.max(1, Math.min(Integer.MAX_VALUE, LIMIT - OPEN_AT_START - MARGIN));

    private Descriptors() {}

    private static long measureLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            if (max > 0) return max;
        }
        return FALLBACK_LIMIT;
    }

    /** The process's open-file limit ({@code ulimit -n}), or {@link #FALLBACK_LIMIT} when unknown. */
    public static long limit() {
        return LIMIT;
    }

    /** Descriptors open in the process now, or -1 when the JDK cannot tell. Costs a directory listing on Linux. */
    public static long open() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getOpenFileDescriptorCount() : -1;
    }

    /**
     * Descriptors the sessions of all servers together may hold: the limit minus what was open
     * at the first use of this class minus the margin. {@link SessionRegistry} enforces it.
     */
    public static int sessionPool() {
        return POOL;
    }

    /**
     * The default {@code max-sessions} of one server whose sessions hold up to
     * {@code perSession} descriptors each: half of the session pool, so that a flood on one port
     * leaves room for the other servers, which together are held to the whole pool.
     */
    public static int defaultMaxSessions(int perSession) {
        return Math.max(1, POOL / Math.max(1, perSession) / 2);
    }
}
