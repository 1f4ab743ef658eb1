package dev.portico.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time and memory of a server's process tree from /proc. CPU includes reaped children (cutime, cstime),
 * which is where a forking server such as vsftpd accounts its sessions. Memory is summed over the process and
 * all its live descendants: RSS double-counts shared pages, PSS (smaps_rollup) splits them, so both are given.
 */
final class ProcStat {
    private static final double TICK_MS = 10.0; // USER_HZ is 100 on Linux

    private ProcStat() {
    }

    /** utime+stime+cutime+cstime of the tree in ms, or NaN when pid is 0 or unreadable. */
    static double cpuMs(long pid) {
        if (pid <= 0) {
            return Double.NaN;
        }
        double total = 0;
        for (long p : tree(pid)) {
            total += ownCpuMs(p);
        }
        return total;
    }

    private static double ownCpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after ")": state(3) ... utime(14) stime(15) cutime(16) cstime(17); index = field - 3
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return ticks * TICK_MS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU time of this JVM (the generator) in ms. */
    static double selfCpuMs() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e6;
        }
        return Double.NaN;
    }

    /** Sum of VmRSS in KiB over the tree. */
    static long rssKib(long pid) {
        long total = 0;
        for (long p : tree(pid)) {
            total += field("/proc/" + p + "/status", "VmRSS:");
        }
        return total;
    }

    /** Sum of Pss in KiB over the tree. */
    static long pssKib(long pid) {
        long total = 0;
        for (long p : tree(pid)) {
            total += field("/proc/" + p + "/smaps_rollup", "Pss:");
        }
        return total;
    }

    static int processCount(long pid) {
        return tree(pid).size();
    }

    private static long field(String file, String name) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading: counts as zero
        }
        return 0;
    }

    /** pid and all live descendants. */
    static List<Long> tree(long pid) {
        List<Long> out = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> {
            out.add(h.pid());
            h.descendants().forEach(d -> out.add(d.pid()));
        });
        return out;
    }
}
