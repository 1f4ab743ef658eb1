package dev.portico.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * FTP sessions: N concurrent clients (virtual threads), each repeating a whole session
 * (connect, USER/PASS, PWD, TYPE I, LIST, RETR of a small file, QUIT) until a bounded count is done or the
 * time bound passes. Reports sessions/s, p50/p99 session latency, failures, and CPU per session of the server
 * (its process tree, from /proc) and of the generator itself. A warm-up of {@code --warmup} sessions first
 * lets both JITs settle; it is not counted.
 */
final class FtpSessions {
    private FtpSessions() {
    }

    record Outcome(int ok, int failures, double seconds, double[] latenciesMs, List<String> errors) {
    }

    static void run(Args a) throws Exception {
        run(a, "ftp-sessions", a.string("host", "127.0.0.1"), a.integer("port", 21), a.pid());
    }

    static void run(Args a, String workload, String host, int port, long pid) throws Exception {
        int clients = a.integer("clients", 50);
        int count = a.integer("count", 2000);
        int warmup = a.integer("warmup", Math.max(2 * clients, 200));
        double limit = a.seconds("time-limit", 60);
        String user = a.string("user", "bench");
        String password = a.string("password", "bench");
        String file = a.string("file", "4k.bin");
        int timeoutMs = a.integer("timeout-ms", 15_000);

        drive(host, port, user, password, file, Math.min(clients, warmup), warmup, limit / 4, timeoutMs);
        double cpu0 = ProcStat.cpuMs(pid);
        double self0 = ProcStat.selfCpuMs();
        Outcome o = drive(host, port, user, password, file, clients, count, limit, timeoutMs);
        double cpu = ProcStat.cpuMs(pid) - cpu0;
        double self = ProcStat.selfCpuMs() - self0;
        Result r = new Result(workload + "-c" + clients, o.ok() / o.seconds(), "sessions/s", a.tags())
                .with("p50_ms", Stats.percentile(o.latenciesMs(), 50))
                .with("p99_ms", Stats.percentile(o.latenciesMs(), 99))
                .with("failures", o.failures())
                .with("done", o.ok())
                .with("of", count)
                .with("server_cpu_ms", o.ok() > 0 ? cpu / o.ok() : Double.NaN)
                .with("gen_cpu_ms", o.ok() > 0 ? self / o.ok() : Double.NaN);
        if (!o.errors().isEmpty()) {
            r.with("error", String.join("|", o.errors()));
        }
        r.print();
    }

    static Outcome drive(String host, int port, String user, String password, String file, int clients, int count,
                         double limitSeconds, int timeoutMs) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicLong okCount = new AtomicLong();
        double[] latencies = new double[count];
        ConcurrentHashMap<String, Boolean> errors = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long deadline = start + (long) (limitSeconds * 1e9);
        List<Thread> threads = new ArrayList<>(clients);
        for (int t = 0; t < clients; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
                while (System.nanoTime() < deadline) {
                    int i = next.getAndIncrement();
                    if (i >= count) {
                        return;
                    }
                    long t0 = System.nanoTime();
                    try {
                        session(host, port, user, password, file, timeoutMs, buf);
                        latencies[i] = (System.nanoTime() - t0) / 1e6;
                        okCount.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        latencies[i] = Double.NaN;
                        failures.incrementAndGet();
                        if (errors.size() < 3) {
                            errors.putIfAbsent(e.getClass().getSimpleName() + ":" + e.getMessage(), true);
                        }
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int issued = Math.min(next.get(), count);
        double[] ok = Arrays.stream(latencies, 0, issued).filter(d -> !Double.isNaN(d) && d > 0).toArray();
        return new Outcome((int) okCount.get(), failures.get(), seconds, ok, new ArrayList<>(errors.keySet()));
    }

    static void session(String host, int port, String user, String password, String file, int timeoutMs,
                        ByteBuffer buf) throws IOException {
        try (FtpConn c = FtpConn.open(host, port, timeoutMs)) {
            c.login(user, password);
            c.expect("PWD", 2);
            c.expect("TYPE I", 2);
            c.download("LIST", buf);
            long n = c.download("RETR " + file, buf);
            if (n == 0) {
                throw new IOException("RETR " + file + " returned no data");
            }
            c.quit();
        }
    }
}
