package dev.portico.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Many small files in one session: login once, then RETR {@code files/fNNNN} (4 KiB each, cycling over
 * {@code --files} names) {@code --count} times or until the time bound; files/s and per-file latency. This is
 * where a server that leaves Nagle on for its data or control replies stalls for 40 ms per file.
 */
final class FtpFiles {
    private FtpFiles() {
    }

    static void run(Args a) throws IOException {
        int count = a.integer("count", 2000);
        int files = a.integer("files", 100);
        double limit = a.seconds("time-limit", 30);
        String dir = a.string("dir", "files");
        long pid = a.pid();
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        List<Double> lat = new ArrayList<>();
        String error = null;
        double cpu0 = 0;
        double cpu1 = Double.NaN;
        long t0 = 0;
        int done = 0;
        try (FtpConn c = FtpConn.open(a.string("host", "127.0.0.1"), a.integer("port", 21), 15_000)) {
            c.login(a.string("user", "bench"), a.string("password", "bench"));
            c.expect("TYPE I", 2);
            for (int i = 0; i < Math.min(20, files); i++) { // warm-up, not counted
                c.download(String.format("RETR %s/f%04d", dir, i), buf);
            }
            cpu0 = ProcStat.cpuMs(pid);
            t0 = System.nanoTime();
            long deadline = t0 + (long) (limit * 1e9);
            for (; done < count && System.nanoTime() < deadline; done++) {
                long s = System.nanoTime();
                c.download(String.format("RETR %s/f%04d", dir, done % files), buf);
                lat.add((System.nanoTime() - s) / 1e6);
            }
            cpu1 = ProcStat.cpuMs(pid); // while the session is alive (see FtpBulk)
            c.quit();
        } catch (IOException e) {
            error = e.toString();
        }
        double seconds = t0 == 0 ? Double.NaN : (System.nanoTime() - t0) / 1e9;
        double cpu = cpu1 - cpu0;
        double[] l = lat.stream().mapToDouble(Double::doubleValue).toArray();
        Result r = new Result("ftp-files", lat.size() / seconds, "files/s", a.tags())
                .with("p50_ms", Stats.percentile(l, 50))
                .with("p99_ms", Stats.percentile(l, 99))
                .with("done", lat.size())
                .with("of", count)
                .with("server_cpu_ms", lat.isEmpty() ? Double.NaN : cpu / lat.size())
                .with("failures", error == null ? 0 : 1);
        if (error != null) {
            r.with("error", error);
        }
        r.print();
    }
}
