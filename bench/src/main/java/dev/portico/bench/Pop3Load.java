package dev.portico.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code pop3}: {@code --clients C} concurrent sessions, each a whole download of its own maildrop: USER/PASS,
 * STAT, LIST, UIDL, RETR of every message (and DELE of each with {@code --delete true}), QUIT. With one client
 * the maildrop is {@code --user}'s; with more, client i logs in as {@code --user-prefix} + i (1-based), since
 * a POP3 server may lock a maildrop for the session (RFC 1939 §8). value = messages retrieved per second over
 * all clients; {@code elapsed_ms} the whole run, {@code p50_ms} a session's time. A first pass of the same
 * sessions without DELE warms the server (a JVM's JIT, either server's caches) and is not counted, as the SMTP
 * generator's warm-up; its time is {@code first_ms}.
 */
final class Pop3Load {
    private Pop3Load() {
    }

    static void run(Args a) throws Exception {
        String host = a.string("host", "127.0.0.1");
        int port = a.integer("port", 110);
        int clients = a.integer("clients", 1);
        String user = a.string("user", "bench");
        String prefix = a.string("user-prefix", user);
        String password = a.string("password", "bench");
        boolean delete = Boolean.parseBoolean(a.string("delete", "false"));
        double limit = a.seconds("time-limit", 60);
        long pid = a.pid();
        long w0 = System.nanoTime();
        drive(host, port, clients, user, prefix, password, false, limit / 3, new double[clients]);
        double firstMs = (System.nanoTime() - w0) / 1e6;
        double[] sessionMs = new double[clients];
        double cpu0 = ProcStat.cpuMs(pid);
        long t0 = System.nanoTime();
        Outcome o = drive(host, port, clients, user, prefix, password, delete, limit, sessionMs);
        double ms = (System.nanoTime() - t0) / 1e6;
        double cpu = ProcStat.cpuMs(pid) - cpu0;
        double[] ok = Arrays.stream(sessionMs).filter(d -> d > 0).toArray();
        long per = clients > 0 ? o.expected() / clients : 0;
        Result r = new Result("pop3-c" + clients + "-" + per + (delete ? "-dele" : ""), o.messages() / (ms / 1000),
                "msg/s", a.tags())
                .with("elapsed_ms", ms)
                .with("first_ms", firstMs)
                .with("p50_ms", Stats.percentile(ok, 50))
                .with("failures", o.failures())
                .with("done", o.messages())
                .with("of", o.expected())
                .with("mb", o.bytes() / 1e6)
                .with("server_cpu_ms", o.messages() > 0 ? cpu / o.messages() : Double.NaN);
        if (!o.errors().isEmpty()) {
            r.with("error", String.join("|", o.errors()));
        }
        r.print();
    }

    record Outcome(long messages, long expected, long bytes, int failures, List<String> errors) {
    }

    private static Outcome drive(String host, int port, int clients, String user, String prefix, String password,
                                 boolean delete, double limit, double[] sessionMs) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (limit * 1e9);
        AtomicInteger failed = new AtomicInteger();
        AtomicLong messages = new AtomicLong();
        AtomicLong expected = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        ConcurrentHashMap<String, Boolean> errors = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String name = clients == 1 ? user : prefix + (i + 1);
            int slot = i;
            threads.add(Thread.ofVirtual().start(() -> {
                long s = System.nanoTime();
                try (Conn c = new Conn(host, port, 120_000)) {
                    c.ok("greeting");
                    c.command("USER " + name);
                    c.command("PASS " + password);
                    String stat = c.command("STAT");
                    int n = Integer.parseInt(stat.split(" ")[1]);
                    expected.addAndGet(n);
                    c.command("LIST");
                    bytes.addAndGet(c.skipMultiline());
                    c.command("UIDL");
                    c.skipMultiline();
                    for (int m = 1; m <= n; m++) {
                        if (System.nanoTime() > deadline) {
                            throw new IOException("time bound reached after " + (m - 1) + " of " + n);
                        }
                        c.command("RETR " + m);
                        bytes.addAndGet(c.skipMultiline());
                        if (delete) {
                            c.command("DELE " + m);
                        }
                        messages.incrementAndGet();
                    }
                    c.command("QUIT");
                    sessionMs[slot] = (System.nanoTime() - s) / 1e6;
                } catch (IOException | RuntimeException e) {
                    failed.incrementAndGet();
                    if (errors.size() < 3) {
                        errors.putIfAbsent(e.getClass().getSimpleName() + ":" + e.getMessage(), true);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Outcome(messages.get(), expected.get(), bytes.get(), failed.get(), List.copyOf(errors.keySet()));
    }

    /** A POP3 connection reading from its own buffer: a RETR is a scan for CRLF.CRLF, not a copy per byte. */
    private static final class Conn implements Closeable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buf = new byte[64 * 1024];
        private int pos;
        private int lim;
        private final StringBuilder line = new StringBuilder(128);

        Conn(String host, int port, int timeoutMs) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        String command(String cmd) throws IOException {
            out.write((cmd + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return ok(cmd.split(" ")[0]);
        }

        String ok(String what) throws IOException {
            String l = readLine();
            if (!l.startsWith("+OK")) {
                throw new IOException(what + " -> " + l);
            }
            return l;
        }

        /** Reads a multi-line response's body up to the line ".", returning its octets. */
        long skipMultiline() throws IOException {
            long n = 0;
            int state = 1; // 0 inside a line, 1 at a line start, 2 after "." at a line start, 3 after ".\r"
            while (true) {
                if (pos == lim) {
                    fill();
                }
                byte b = buf[pos++];
                n++;
                switch (state) {
                    case 0 -> state = b == '\n' ? 1 : 0;
                    case 1 -> state = b == '.' ? 2 : b == '\n' ? 1 : 0;
                    case 2 -> state = b == '\r' ? 3 : b == '\n' ? 1 : 0;
                    default -> {
                        if (b == '\n') {
                            return n;
                        }
                        state = 0;
                    }
                }
            }
        }

        private String readLine() throws IOException {
            line.setLength(0);
            while (true) {
                if (pos == lim) {
                    fill();
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    int k = line.length();
                    if (k > 0 && line.charAt(k - 1) == '\r') {
                        line.setLength(k - 1);
                    }
                    return line.toString();
                }
                line.append((char) (b & 0xff));
            }
        }

        private void fill() throws IOException {
            int r = in.read(buf, 0, buf.length);
            if (r < 0) {
                throw new EOFException("connection closed by server");
            }
            pos = 0;
            lim = r;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
    }
}
