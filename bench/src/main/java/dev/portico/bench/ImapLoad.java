package dev.portico.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * IMAP workloads over {@link ImapConn}, each against any server by {@code --host --port --user --password}:
 * <ul>
 * <li>{@code imap-fetch}: SELECT INBOX and {@code FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)}, timed from SELECT
 * to the tagged OK of FETCH, twice: in a first session ({@code -first}: the server meets the folder for the
 * first time when run.sh has just written the Maildir and started it) and in a second one ({@code -cached});</li>
 * <li>{@code imap-search}: {@code UID SEARCH SUBJECT needle} after SELECT; the median of {@code --repeat}
 * searches after a first one (its time is {@code first_ms});</li>
 * <li>{@code imap-append}: {@code --clients K} sessions appending {@code --messages M} messages each to INBOX,
 * after a warm-up of 20 messages per session that is not counted (as the SMTP generator's);</li>
 * <li>{@code imap-sync}: what mbsync does on a first full sync: SELECT, {@code UID FETCH 1:* (FLAGS)}, then
 * {@code UID FETCH uid BODY.PEEK[]} of every message, {@code --depth} commands in flight (mbsync pipelines).</li>
 * </ul>
 * Times are wall-clock milliseconds at the generator; server CPU is read from /proc when {@code --pid} is given.
 */
final class ImapLoad {
    private static final int TIMEOUT_MS = 120_000;

    private ImapLoad() {
    }

    static void fetch(Args a) throws IOException {
        Target t = new Target(a);
        String items = a.string("items", "(UID FLAGS RFC822.SIZE ENVELOPE)");
        for (String pass : new String[]{"first", "cached"}) {
            double cpu0 = ProcStat.cpuMs(t.pid);
            try (ImapConn c = t.login()) {
                long t0 = System.nanoTime();
                int exists = c.select("INBOX");
                long t1 = System.nanoTime();
                AtomicInteger fetched = new AtomicInteger();
                if (exists > 0) {
                    c.command("FETCH 1:* " + items, r -> {
                        if (r.contains(" FETCH (")) {
                            fetched.incrementAndGet();
                        }
                    });
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                Result r = new Result("imap-fetch-" + exists + "-" + pass, ms, "ms", a.tags())
                        .with("select_ms", (t1 - t0) / 1e6)
                        .with("messages", fetched.get())
                        .with("server_cpu_ms", ProcStat.cpuMs(t.pid) - cpu0);
                if (fetched.get() != exists) {
                    r.with("error", "fetched_" + fetched.get() + "_of_" + exists);
                }
                r.print();
                c.logout();
            }
        }
    }

    static void search(Args a) throws IOException {
        Target t = new Target(a);
        int repeat = a.integer("repeat", 10);
        String criteria = a.string("criteria", "SUBJECT needle");
        double limit = a.seconds("time-limit", 60);
        long deadline = System.nanoTime() + (long) (limit * 1e9);
        try (ImapConn c = t.login()) {
            int exists = c.select("INBOX");
            int[] hits = {0};
            double[] times = new double[repeat + 1];
            int done = 0;
            double cpu0 = ProcStat.cpuMs(t.pid);
            for (int i = 0; i <= repeat && System.nanoTime() < deadline; i++) {
                hits[0] = 0;
                long t0 = System.nanoTime();
                c.command("UID SEARCH " + criteria, r -> {
                    if (r.startsWith("* SEARCH")) {
                        hits[0] += r.length() > 9 ? r.substring(9).trim().split(" ").length : 0;
                    } else if (r.startsWith("* ESEARCH")) {
                        hits[0] = -1; // counted by the server; not expected without RETURN
                    }
                });
                times[i] = (System.nanoTime() - t0) / 1e6;
                done++;
            }
            double cpu = ProcStat.cpuMs(t.pid) - cpu0;
            double[] later = Arrays.copyOfRange(times, 1, Math.max(1, done));
            new Result("imap-search-" + exists, later.length > 0 ? Stats.median(later) : Double.NaN, "ms", a.tags())
                    .with("first_ms", times[0])
                    .with("hits", hits[0])
                    .with("searches", done)
                    .with("server_cpu_ms", done > 0 ? cpu / done : Double.NaN)
                    .print();
            c.logout();
        }
    }

    static void append(Args a) throws Exception {
        Target t = new Target(a);
        int clients = a.integer("clients", 10);
        int messages = a.integer("messages", 100);
        int size = (int) a.size("size", 10 * 1024);
        double limit = a.seconds("time-limit", 60);
        byte[] body = crlf(MaildirWrite.message(7, size, t.user + "@localhost", 1_764_547_200L));
        ConcurrentHashMap<String, Boolean> errors = new ConcurrentHashMap<>();
        appendAll(t, clients, Math.min(messages, 20), body, limit / 4, new double[clients * messages],
                new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), errors);
        errors.clear();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        double[] lat = new double[clients * messages];
        AtomicInteger slot = new AtomicInteger();
        double cpu0 = ProcStat.cpuMs(t.pid);
        long t0 = System.nanoTime();
        appendAll(t, clients, messages, body, limit, lat, slot, ok, failed, errors);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = ProcStat.cpuMs(t.pid) - cpu0;
        double[] done = Arrays.copyOf(lat, Math.min(slot.get(), lat.length));
        Result r = new Result("imap-append-c" + clients + "-" + sizeName(size), ok.get() / seconds, "msg/s", a.tags())
                .with("p50_ms", Stats.percentile(done, 50))
                .with("p99_ms", Stats.percentile(done, 99))
                .with("failures", failed.get())
                .with("done", ok.get())
                .with("of", clients * messages)
                .with("server_cpu_ms", ok.get() > 0 ? cpu / ok.get() : Double.NaN);
        if (!errors.isEmpty()) {
            r.with("error", String.join("|", errors.keySet()));
        }
        r.print();
    }

    private static void appendAll(Target t, int clients, int messages, byte[] body, double limit, double[] lat,
                                  AtomicInteger slot, AtomicInteger ok, AtomicInteger failed,
                                  ConcurrentHashMap<String, Boolean> errors) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (limit * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < clients; k++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try (ImapConn c = t.login()) {
                    for (int m = 0; m < messages && System.nanoTime() < deadline; m++) {
                        long s = System.nanoTime();
                        c.append("INBOX", "\\Seen", body);
                        lat[slot.getAndIncrement()] = (System.nanoTime() - s) / 1e6;
                        ok.incrementAndGet();
                    }
                    c.logout();
                } catch (IOException | RuntimeException e) {
                    failed.incrementAndGet();
                    if (errors.size() < 3) {
                        errors.putIfAbsent(e.getClass().getSimpleName() + ":" + e.getMessage(), true);
                    }
                }
            }));
        }
        for (Thread th : threads) {
            th.join();
        }
    }

    static void sync(Args a) throws IOException {
        Target t = new Target(a);
        int depth = a.integer("depth", 16);
        double limit = a.seconds("time-limit", 60);
        long deadline = System.nanoTime() + (long) (limit * 1e9);
        double cpu0 = ProcStat.cpuMs(t.pid);
        try (ImapConn c = t.login()) {
            long t0 = System.nanoTime();
            int exists = c.select("INBOX");
            List<Long> uids = new ArrayList<>(Math.max(exists, 0));
            if (exists > 0) {
                c.command("UID FETCH 1:* (FLAGS)", r -> {
                    int i = r.indexOf("UID ");
                    if (i > 0 && r.contains(" FETCH (")) {
                        int j = i + 4;
                        int e = j;
                        while (e < r.length() && Character.isDigit(r.charAt(e))) {
                            e++;
                        }
                        uids.add(Long.parseLong(r.substring(j, e)));
                    }
                });
            }
            c.takeLiteralBytes();
            ArrayDeque<String> inFlight = new ArrayDeque<>();
            int next = 0;
            int done = 0;
            while ((next < uids.size() || !inFlight.isEmpty()) && System.nanoTime() < deadline) {
                while (next < uids.size() && inFlight.size() < depth) {
                    inFlight.add(c.send("UID FETCH " + uids.get(next++) + " BODY.PEEK[]"));
                }
                c.await(inFlight.poll(), r -> { });
                done++;
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            long bytes = c.takeLiteralBytes();
            boolean complete = done == uids.size() && uids.size() == exists;
            Result r = new Result("imap-sync-" + exists, complete ? ms : Double.NaN, "ms", a.tags())
                    .with("messages", done)
                    .with("mb", bytes / 1e6)
                    .with("msg_per_s", done / (ms / 1000))
                    .with("server_cpu_ms", ProcStat.cpuMs(t.pid) - cpu0);
            if (!complete) {
                r.with("error", "synced_" + done + "_of_" + exists + "_(time_bound)");
            }
            r.print();
            if (inFlight.isEmpty()) {
                c.logout();
            }
        }
    }

    static String sizeName(long size) {
        return size >= 1024 ? size / 1024 + "k" : size + "b";
    }

    /** LF to CR LF: IMAP's APPEND literal is a message in network form. */
    static byte[] crlf(byte[] lf) {
        String s = new String(lf, StandardCharsets.ISO_8859_1).replace("\n", "\r\n");
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Where and as whom: --host --port --user --password, and --pid of the server for its CPU time. */
    record Target(String host, int port, String user, String password, long pid) {
        Target(Args a) {
            this(a.string("host", "127.0.0.1"), a.integer("port", 143), a.string("user", "bench"),
                    a.string("password", "bench"), a.pid());
        }

        ImapConn login() throws IOException {
            return ImapConn.login(host, port, user, password, TIMEOUT_MS);
        }
    }
}
