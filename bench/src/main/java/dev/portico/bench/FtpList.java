package dev.portico.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How the cost of {@code LIST} grows with the directory: one session, then {@code LIST DIR} of a directory of
 * {@code --entries} files (made once by run.sh and hard-linked into every FTP root), one uncounted warm-up
 * and then {@code --repeat} timed ones, the last one started within a quarter of the time bound (a slow server
 * at 100,000 entries gives fewer). value = median ms per LIST, from PASV to the
 * 226 after the whole listing (what a client waits for); also ms per 1,000 entries and the server's CPU per
 * LIST. A listing with fewer lines than entries is a failure (a server that truncates does less work).
 */
final class FtpList {
    private FtpList() {
    }

    static void run(Args a) throws IOException {
        int entries = a.integer("entries", 1000);
        String dir = a.string("dir", "list/" + entries);
        int repeat = a.integer("repeat", 10);
        double limit = a.seconds("time-limit", 60);
        long pid = a.pid();
        byte[] buf = new byte[64 * 1024];
        List<Double> ms = new ArrayList<>();
        String error = null;
        long bytes = 0;
        double cpu0 = Double.NaN;
        double cpu1 = Double.NaN;
        try (FtpConn c = FtpConn.open(a.string("host", "127.0.0.1"), a.integer("port", 21), 60_000)) {
            c.login(a.string("user", "bench"), a.string("password", "bench"));
            long deadline = System.nanoTime() + (long) (limit / 4 * 1e9);
            check(c.listing("LIST " + dir, buf), entries); // warm-up, not counted
            cpu0 = ProcStat.cpuMs(pid);
            for (int i = 0; i < repeat && (i == 0 || System.nanoTime() < deadline); i++) {
                long t0 = System.nanoTime();
                long[] got = c.listing("LIST " + dir, buf);
                ms.add((System.nanoTime() - t0) / 1e6);
                check(got, entries);
                bytes = got[0];
            }
            cpu1 = ProcStat.cpuMs(pid); // while the session is alive (see FtpBulk)
            c.quit();
        } catch (IOException e) {
            error = e.toString();
        }
        double[] v = ms.stream().mapToDouble(Double::doubleValue).toArray();
        double median = v.length == 0 ? Double.NaN : Stats.median(v);
        Result r = new Result("ftp-list-" + entries, median, "ms", a.tags())
                .with("ms_per_1000", median / entries * 1000)
                .with("bytes", bytes)
                .with("done", v.length)
                .with("server_cpu_ms", v.length == 0 ? Double.NaN : (cpu1 - cpu0) / v.length)
                .with("failures", error == null ? 0 : 1);
        if (error != null) {
            r.with("error", error);
        }
        r.print();
    }

    private static void check(long[] got, int entries) throws IOException {
        if (got[1] < entries) {
            throw new IOException("LIST gave " + got[1] + " lines for " + entries + " entries");
        }
    }
}
