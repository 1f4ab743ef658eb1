package dev.portico.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Relay load: {@code --sessions N} concurrent submitters send {@code --messages M} messages each of
 * {@code --size S} to {@code --to} (another domain) through the server under test, which relays them to the sink
 * this process runs on {@code --sink-port} (the server's smart host). Each message carries a unique
 * {@code X-Bench-Id}; the submitter notes when its {@code 250} came, the sink when the message's final dot
 * arrived, on the same clock, so the difference is the time the message spent in the server's queue and
 * delivery. Reports messages/s delivered onward (first submission to last arrival), messages/s accepted,
 * p50/p99 of 250-to-arrival, and server CPU per message.
 *
 * <p>By default the submitters send as fast as the relay accepts, so a relay that accepts faster than it
 * delivers builds a queue and its latency grows with the run's length; {@code --rate R} offers R messages/s in
 * total instead (each submitter keeps to its share of a fixed schedule), which is the latency "at that load".
 */
final class RelayLoad {
    private static final byte[] ID_HEADER = "X-Bench-Id: ".getBytes(StandardCharsets.US_ASCII);

    private RelayLoad() {
    }

    static void run(Args a) throws Exception {
        String host = a.string("host", "127.0.0.1");
        int port = a.integer("port", 25);
        int sinkPort = a.integer("sink-port", 2526);
        int sessions = a.integer("sessions", 20);
        int messages = a.integer("messages", 100);
        int size = (int) a.size("size", 10 * 1024);
        double limit = a.seconds("time-limit", 60);
        String from = a.string("from", "bench@bench.localhost");
        String to = a.string("to", "someone@example.net");
        long pid = a.pid();
        double rate = a.seconds("rate", 0);
        byte[] body = SmtpConn.message(from, to, size);

        int warm = Math.min(sessions, 20) * 5;
        int total = sessions * messages;
        // ids 0..warm-1 are the warm-up, warm..warm+total-1 the measurement; -1 marks "not yet"
        Run run = new Run(warm + total);
        try (Sink sink = Sink.start(sinkPort, run)) {
            long wait = System.nanoTime() + (long) (limit / 4 * 1e9);
            submit(host, port, from, to, body, Math.min(sessions, 20), 5, 0, wait, 0, run);
            awaitArrivals(run, 0, warm, wait);
            ERRORS.clear();
            double cpu0 = ProcStat.cpuMs(pid);
            long t0 = System.nanoTime();
            long deadline = t0 + (long) (limit * 1e9);
            int[] r = submit(host, port, from, to, body, sessions, messages, warm, deadline, rate, run);
            long submitted = System.nanoTime();
            // what was accepted must arrive; the time bound is the measurement's, with at least 10 s to drain
            awaitArrivals(run, warm, warm + total, Math.max(deadline, submitted + 10_000_000_000L));
            double cpu = ProcStat.cpuMs(pid) - cpu0;
            List<Double> lat = new ArrayList<>();
            int delivered = 0;
            long last = t0;
            for (int i = warm; i < warm + total; i++) {
                long arrived = run.arrived.get(i);
                if (arrived < 0) {
                    continue;
                }
                delivered++;
                last = Math.max(last, arrived);
                long accepted = run.accepted.get(i);
                if (accepted >= 0) {
                    // a relay may hand the message on before the submitter has read its 250: that is no wait at all
                    lat.add(Math.max(0, arrived - accepted) / 1e6);
                }
            }
            double[] l = lat.stream().mapToDouble(Double::doubleValue).toArray();
            double seconds = (last - t0) / 1e9;
            String workload = "relay-s" + sessions + "-" + (size >= 1024 ? size / 1024 + "k" : size + "b")
                    + (rate > 0 ? "-r" + Math.round(rate) : "");
            Result res = new Result(workload, delivered > 0 ? delivered / seconds : 0, "msg/s", a.tags())
                    .with("accepted_per_s", r[0] / ((submitted - t0) / 1e9))
                    .with("p50_ms", Stats.percentile(l, 50))
                    .with("p99_ms", Stats.percentile(l, 99))
                    .with("failures", r[1] + (r[0] - delivered))
                    .with("done", delivered)
                    .with("of", total)
                    .with("unexpected", run.unknown.get())
                    .with("server_cpu_ms", delivered > 0 ? cpu / delivered : Double.NaN);
            if (!ERRORS.isEmpty()) {
                res.with("error", String.join("|", ERRORS.keySet()));
            }
            res.print();
        }
    }

    private static final ConcurrentHashMap<String, Boolean> ERRORS = new ConcurrentHashMap<>();

    /** Arrival and acceptance times (System.nanoTime) by message id, -1 until known. */
    static final class Run {
        final AtomicLongArray accepted;
        final AtomicLongArray arrived;
        final AtomicInteger arrivals = new AtomicInteger();
        final AtomicLong unknown = new AtomicLong();

        Run(int n) {
            accepted = new AtomicLongArray(n);
            arrived = new AtomicLongArray(n);
            for (int i = 0; i < n; i++) {
                accepted.set(i, -1);
                arrived.set(i, -1);
            }
        }

        void arrived(int id, long t) {
            if (id < 0 || id >= arrived.length() || !arrived.compareAndSet(id, -1, t)) {
                unknown.incrementAndGet();
                return;
            }
            arrivals.incrementAndGet();
        }
    }

    private static void awaitArrivals(Run run, int from, int to, long until) throws InterruptedException {
        outer:
        while (System.nanoTime() < until) {
            for (int i = from; i < to; i++) {
                if (run.arrived.get(i) < 0 && run.accepted.get(i) >= 0) {
                    Thread.sleep(5);
                    continue outer;
                }
            }
            return;
        }
    }

    /**
     * Returns {messages accepted, failures}; message ids are base + session * messages + n. With {@code rate}
     * above 0, message n of session s is due at (n * sessions + s) / rate seconds from the start.
     */
    private static int[] submit(String host, int port, String from, String to, byte[] body, int sessions,
                                int messages, int base, long deadline, double rate, Run run) throws InterruptedException {
        long start = System.nanoTime();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            int first = base + s * messages;
            int session = s;
            threads.add(Thread.ofVirtual().start(() -> {
                try (SmtpConn c = SmtpConn.open(host, port, 30_000)) {
                    for (int n = 0; n < messages && System.nanoTime() < deadline; n++) {
                        int id = first + n;
                        if (rate > 0) {
                            long due = start + (long) ((n * (double) sessions + session) / rate * 1e9);
                            long early = due - System.nanoTime();
                            if (early > 0) {
                                Thread.sleep(early / 1_000_000, (int) (early % 1_000_000));
                            }
                        }
                        c.send(from, to, withId(id, body));
                        run.accepted.set(id, System.nanoTime());
                        ok.incrementAndGet();
                    }
                    c.quit();
                } catch (IOException | RuntimeException e) {
                    failed.incrementAndGet();
                    if (ERRORS.size() < 3) {
                        ERRORS.putIfAbsent(e.getClass().getSimpleName() + ":" + e.getMessage(), true);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return new int[] {ok.get(), failed.get()};
    }

    static byte[] withId(int id, byte[] body) {
        byte[] head = ("X-Bench-Id: " + id + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] m = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, m, head.length, body.length);
        return m;
    }

    /**
     * The remote the relay delivers to: answers every command with success (EHLO without extensions, so both
     * relays speak plain SMTP to it), reads DATA to its final dot and records the message's arrival by its
     * X-Bench-Id before it sends the {@code 250}.
     */
    static final class Sink implements AutoCloseable {
        private final ServerSocket server;

        private Sink(ServerSocket server, Run run) {
            this.server = server;
            Thread.ofPlatform().daemon().name("relay-sink").start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> serve(s, run));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        static Sink start(int port, Run run) throws IOException {
            ServerSocket ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
            return new Sink(ss, run);
        }

        int port() {
            return server.getLocalPort();
        }

        private static void serve(Socket s, Run run) {
            try (s) {
                s.setTcpNoDelay(true);
                s.setSoTimeout(120_000);
                InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
                OutputStream out = s.getOutputStream();
                StringBuilder line = new StringBuilder(128);
                out.write("220 sink ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                while (true) {
                    String cmd = WireLines.read(in, line);
                    String verb = (cmd.length() >= 4 ? cmd.substring(0, 4) : cmd).toUpperCase();
                    String reply;
                    switch (verb) {
                        case "EHLO" -> reply = "250 sink\r\n";
                        case "DATA" -> {
                            out.write("354 go on\r\n".getBytes(StandardCharsets.US_ASCII));
                            int id = readData(in);
                            run.arrived(id, System.nanoTime());
                            reply = "250 2.0.0 ok\r\n";
                        }
                        case "QUIT" -> {
                            out.write("221 2.0.0 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                            return;
                        }
                        default -> reply = "250 2.0.0 ok\r\n";
                    }
                    out.write(reply.getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // the relay closed the connection (or it timed out): nothing to record
            }
        }

        /** Reads the message up to CRLF.CRLF and returns its X-Bench-Id, or -1. */
        private static int readData(InputStream in) throws IOException {
            int id = -1;
            boolean bol = true;
            int matched = 0;
            int state = 2; // progress toward CR LF . CR LF; DATA's own line ended with CR LF
            int c;
            long value = -1;
            boolean inId = false;
            while ((c = in.read()) >= 0) {
                // the X-Bench-Id header, at the start of a line
                if (inId) {
                    if (c >= '0' && c <= '9') {
                        value = (value < 0 ? 0 : value * 10) + (c - '0');
                    } else {
                        inId = false;
                        if (id < 0 && value >= 0 && value <= Integer.MAX_VALUE) {
                            id = (int) value;
                        }
                    }
                } else if (bol || matched > 0) {
                    if (matched < ID_HEADER.length && Character.toLowerCase(c) == Character.toLowerCase(ID_HEADER[matched])) {
                        matched++;
                        if (matched == ID_HEADER.length) {
                            inId = true;
                            matched = 0;
                        }
                    } else {
                        matched = 0;
                    }
                }
                // end of data: CR LF . CR LF (the first CR LF may be the end of the previous line)
                switch (state) {
                    case 0 -> state = c == '\r' ? 1 : 0;
                    case 1 -> state = c == '\n' ? 2 : c == '\r' ? 1 : 0;
                    case 2 -> state = c == '.' ? 3 : c == '\r' ? 1 : 0;
                    case 3 -> state = c == '\r' ? 4 : 0;
                    case 4 -> {
                        if (c == '\n') {
                            return id;
                        }
                        state = c == '\r' ? 1 : 0;
                    }
                    default -> state = 0;
                }
                bol = c == '\n';
            }
            throw new IOException("connection closed in DATA");
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
