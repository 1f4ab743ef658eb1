package dev.portico.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * FTP bulk throughput: RETR or STOR of one large file in binary passive mode, MB/s (10^6 bytes per second),
 * repeated {@code --repeat} times inside the time bound; the best and the median of the repeats are reported,
 * value = median. STOR reads the local file with sendfile, RETR discards what it receives.
 */
final class FtpBulk {
    private FtpBulk() {
    }

    static void run(Args a) throws IOException {
        String host = a.string("host", "127.0.0.1");
        int port = a.integer("port", 21);
        String mode = a.string("mode", "retr");
        String remote = a.string("remote", mode.equals("retr") ? "big.bin" : "up/stor.bin");
        Path local = Path.of(a.string("local", "/dev/shm/portico-bench/big.bin"));
        int repeat = a.integer("repeat", 1);
        double limit = a.seconds("time-limit", 120);
        long pid = a.pid();
        long deadline = System.nanoTime() + (long) (limit * 1e9);
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        double[] rates = new double[repeat];
        int done = 0;
        long bytes = 0;
        double cpu0 = Double.NaN;
        double cpu1 = Double.NaN;
        double secondsTotal = 0;
        String error = null;
        try (FtpConn c = FtpConn.open(host, port, 30_000)) {
            c.login(a.string("user", "bench"), a.string("password", "bench"));
            c.expect("TYPE I", 2);
            cpu0 = ProcStat.cpuMs(pid);
            for (int i = 0; i < repeat && System.nanoTime() < deadline; i++) {
                long t0 = System.nanoTime();
                long n = mode.equals("retr") ? c.download("RETR " + remote, buf) : c.upload(remote, local);
                double s = (System.nanoTime() - t0) / 1e9;
                long expected = Files.size(local);
                if (n != expected) {
                    throw new IOException(mode + " moved " + n + " bytes, expected " + expected);
                }
                rates[done++] = n / s / 1e6;
                bytes += n;
                secondsTotal += s;
            }
            // read the CPU while the session is alive: a forking server's session process is counted only
            // once reaped after QUIT, which may be after we look
            cpu1 = ProcStat.cpuMs(pid);
            if (mode.equals("stor")) {
                c.command("DELE " + remote);
            }
            c.quit();
        } catch (IOException e) {
            error = e.toString();
        }
        double cpu = cpu1 - cpu0;
        double[] got = Arrays.copyOf(rates, done);
        Result r = new Result("ftp-" + mode, done == 0 ? Double.NaN : Stats.median(got), "MB/s", a.tags())
                .with("best", done == 0 ? Double.NaN : Stats.percentile(got, 100))
                .with("repeats", done)
                // every transfer in order, "672,845,910": the median hides whether a slow one came first
                .with("each", done == 0 ? "-" : Arrays.stream(got).mapToObj(x -> String.valueOf(Math.round(x)))
                        .collect(Collectors.joining(",")))
                .with("bytes", bytes)
                .with("server_cpu_pct", secondsTotal > 0 ? cpu / (secondsTotal * 1000) * 100 : Double.NaN)
                .with("failures", error == null ? 0 : 1);
        if (error != null) {
            r.with("error", error);
        }
        r.print();
    }
}
