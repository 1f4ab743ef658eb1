package dev.portico.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SMTP load: {@code --sessions N} concurrent sessions (virtual threads), each sending {@code --messages M}
 * messages of {@code --size S} bytes over one connection (MAIL, RCPT, DATA per message, no pipelining),
 * within the time bound. Messages/s, p50/p99 per message, failures, server CPU per message.
 */
final class SmtpLoad {
    private SmtpLoad() {
    }

    static void run(Args a) throws Exception {
        String host = a.string("host", "127.0.0.1");
        int port = a.integer("port", 25);
        int sessions = a.integer("sessions", 20);
        int messages = a.integer("messages", 100);
        int size = (int) a.size("size", 10 * 1024);
        double limit = a.seconds("time-limit", 60);
        String from = a.string("from", "bench@bench.localhost");
        String to = a.string("to", "bench@localhost");
        long pid = a.pid();
        byte[] body = SmtpConn.message(from, to, size);

        // warm-up: a few sessions of a few messages (about 20 MiB at most: 20 of 1 MiB, 2 of 10 MiB), not counted
        int warmup = a.integer("warmup", (int) Math.max(1, Math.min(20, (20L << 20) / Math.max(1, size))));
        drive(host, port, from, to, body, Math.min(sessions, 20), warmup, limit / 4, new double[0]);
        ERRORS.clear();
        double cpu0 = ProcStat.cpuMs(pid);
        double[] lat = new double[sessions * messages];
        long t0 = System.nanoTime();
        int[] r = drive(host, port, from, to, body, sessions, messages, limit, lat);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = ProcStat.cpuMs(pid) - cpu0;
        double[] ok = Arrays.stream(lat).filter(d -> d > 0).toArray();
        // --workload names a family (smtp-scale: one table per message size); by default the shape names it
        String workload = a.string("workload", "smtp-s" + sessions) + "-" + sizeLabel(size);
        Result res = new Result(workload, r[0] / seconds, "msg/s", a.tags())
                .with("p50_ms", Stats.percentile(ok, 50))
                .with("p99_ms", Stats.percentile(ok, 99))
                .with("mb_per_s", r[0] * (double) body.length / seconds / 1e6)
                .with("failures", r[1])
                .with("done", r[0])
                .with("of", sessions * messages)
                .with("server_cpu_ms", r[0] > 0 ? cpu / r[0] : Double.NaN);
        if (!ERRORS.isEmpty()) {
            res.with("error", String.join("|", ERRORS.keySet()));
        }
        res.print();
    }

    /** 512b, 10k, 100k, 10m: the size as the workload's name shows it. */
    static String sizeLabel(long size) {
        if (size >= 1 << 20 && size % (1 << 20) == 0) {
            return size / (1 << 20) + "m";
        }
        return size >= 1024 ? size / 1024 + "k" : size + "b";
    }

    private static final ConcurrentHashMap<String, Boolean> ERRORS = new ConcurrentHashMap<>();

    /** Returns {messages delivered, failures}; failures count failed messages and failed sessions. */
    static int[] drive(String host, int port, String from, String to, byte[] body, int sessions, int messages,
                       double limitSeconds, double[] lat) throws InterruptedException {
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger slot = new AtomicInteger();
        long deadline = System.nanoTime() + (long) (limitSeconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            threads.add(Thread.ofVirtual().start(() -> {
                int sent = 0;
                try (SmtpConn c = SmtpConn.open(host, port, 30_000)) {
                    for (; sent < messages && System.nanoTime() < deadline; sent++) {
                        long t = System.nanoTime();
                        c.send(from, to, body);
                        int i = slot.getAndIncrement();
                        if (i < lat.length) {
                            lat[i] = (System.nanoTime() - t) / 1e6;
                        }
                        ok.incrementAndGet();
                    }
                    c.quit();
                } catch (IOException | RuntimeException e) {
                    failed.incrementAndGet();
                    if (ERRORS.size() < 3) {
                        ERRORS.putIfAbsent(e.getClass().getSimpleName() + ":" + e.getMessage(), true);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return new int[] {ok.get(), failed.get()};
    }
}
