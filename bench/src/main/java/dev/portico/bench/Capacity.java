package dev.portico.bench;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Capacity: opens idle sessions in steps ({@code --levels 1000,5000,10000}; FTP: connected and logged in;
 * SMTP: connected after EHLO; IMAP: logged in, INBOX selected, in IDLE), and at each level reads the server's memory from /proc (the process and its
 * descendants: RSS and PSS), checks that a sample of idle sessions still answer NOOP, and times a fresh
 * whole session. value = resident memory added per idle session in KiB, as PSS ((PSS now − PSS before) /
 * sessions): for a single-process server PSS and VmRSS grow alike, but a forking server such as vsftpd has two
 * processes per session whose VmRSS each count the same shared libraries again, so their RSS sum (also
 * reported, rss_kib_per_session) overstates its memory many times.
 * The client needs one descriptor per session: run.sh raises the limit.
 */
final class Capacity {
    private Capacity() {
    }

    static void run(Args a) throws Exception {
        String protocol = a.string("protocol", "ftp");
        String host = a.string("host", "127.0.0.1");
        int port = a.integer("port", 21);
        long pid = a.pid();
        if (pid <= 0) {
            throw new IllegalArgumentException("capacity needs --pid of the server");
        }
        int[] levels = Arrays.stream(a.string("levels", "1000,5000,10000").split(",")).mapToInt(Integer::parseInt)
                .sorted().toArray();
        int concurrency = a.integer("concurrency", 32);
        double limit = a.seconds("time-limit", 300);
        String user = a.string("user", "bench");
        String password = a.string("password", "bench");
        long deadline = System.nanoTime() + (long) (limit * 1e9);

        // One fresh session first so that lazily created server state is not charged to idle sessions.
        fresh(protocol, host, port, user, password);
        Thread.sleep(500);
        long rss0 = ProcStat.rssKib(pid);
        long pss0 = ProcStat.pssKib(pid);
        List<Closeable> open = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        ConcurrentHashMap<String, Boolean> errors = new ConcurrentHashMap<>();
        try {
            for (int level : levels) {
                Semaphore gate = new Semaphore(concurrency);
                List<Thread> threads = new ArrayList<>();
                int failedBefore = failed.get();
                int want = level - open.size();
                for (int i = 0; i < want && System.nanoTime() < deadline; i++) {
                    // stop opening when the server clearly refuses (more than 5% of this step failed)
                    if (failed.get() - failedBefore > Math.max(10, want / 20)) {
                        break;
                    }
                    gate.acquire();
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            open.add(idle(protocol, host, port, user, password));
                        } catch (IOException | RuntimeException e) {
                            failed.incrementAndGet();
                            if (errors.size() < 3) {
                                errors.putIfAbsent(e.getClass().getSimpleName() + ":" + e.getMessage(), true);
                            }
                        } finally {
                            gate.release();
                        }
                    }));
                }
                for (Thread t : threads) {
                    t.join();
                }
                Thread.sleep(1000); // let the server finish its per-session bookkeeping
                long rss = ProcStat.rssKib(pid);
                long pss = ProcStat.pssKib(pid);
                int n = open.size();
                int alive = 0;
                int sample = Math.min(20, n);
                for (int i = 0; i < sample; i++) {
                    if (alive(open.get((int) ((long) i * n / sample)))) {
                        alive++;
                    }
                }
                double freshMs;
                try {
                    freshMs = fresh(protocol, host, port, user, password);
                } catch (IOException e) {
                    freshMs = Double.NaN;
                    errors.putIfAbsent("fresh:" + e.getMessage(), true);
                }
                Result r = new Result(protocol + "-capacity-" + level, n > 0 ? (pss - pss0) / (double) n : Double.NaN,
                        "KiB/session", a.tags())
                        .with("rss_kib_per_session", n > 0 ? (rss - rss0) / (double) n : Double.NaN)
                        .with("sessions", n)
                        .with("failures", failed.get())
                        .with("rss_mib", rss / 1024.0)
                        .with("rss_base_mib", rss0 / 1024.0)
                        .with("processes", ProcStat.processCount(pid))
                        .with("idle_alive", alive + "/" + sample)
                        .with("fresh_ms", freshMs);
                if (!errors.isEmpty()) {
                    r.with("error", String.join("|", errors.keySet()));
                }
                r.print();
                if (n < level * 0.95 || System.nanoTime() >= deadline) {
                    break;
                }
            }
        } finally {
            for (Closeable c : open) {
                c.close();
            }
        }
    }

    private static Closeable idle(String protocol, String host, int port, String user, String password)
            throws IOException {
        if (protocol.equals("smtp")) {
            return SmtpConn.open(host, port, 30_000);
        }
        if (protocol.equals("imap")) {
            ImapConn c = ImapConn.login(host, port, user, password, 30_000);
            try {
                c.select("INBOX");
                return new IdleImap(c, new String[]{c.idle()});
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
        FtpConn c = FtpConn.open(host, port, 30_000);
        try {
            c.login(user, password);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static boolean alive(Closeable c) {
        if (c instanceof IdleImap i) {
            return i.conn().alive(i.tag());
        }
        return c instanceof FtpConn f ? f.alive() : ((SmtpConn) c).alive();
    }

    /** An IMAP session in IDLE, and the tag of its IDLE command (renewed by {@link ImapConn#alive}). */
    private record IdleImap(ImapConn conn, String[] tag) implements Closeable {
        @Override
        public void close() {
            conn.close();
        }
    }

    /**
     * Milliseconds for one whole fresh session (FTP: as in ftp-sessions; SMTP: one 1 KiB message; IMAP: LOGIN,
     * SELECT INBOX, LOGOUT).
     */
    private static double fresh(String protocol, String host, int port, String user, String password)
            throws IOException {
        long t0 = System.nanoTime();
        if (protocol.equals("smtp")) {
            try (SmtpConn c = SmtpConn.open(host, port, 15_000)) {
                c.send("bench@bench.localhost", "bench@localhost",
                        SmtpConn.message("bench@bench.localhost", "bench@localhost", 1024));
                c.quit();
            }
        } else if (protocol.equals("imap")) {
            try (ImapConn c = ImapConn.login(host, port, user, password, 15_000)) {
                c.select("INBOX");
                c.logout();
            }
        } else {
            FtpSessions.session(host, port, user, password, "4k.bin", 15_000, ByteBuffer.allocate(16 * 1024));
        }
        return (System.nanoTime() - t0) / 1e6;
    }
}
