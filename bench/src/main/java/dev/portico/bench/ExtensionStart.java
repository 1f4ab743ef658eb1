package dev.portico.bench;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.portico.junit.PorticoExtension;
import dev.portico.junit.TestPortico;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code extension-start}: what a per-method test extension costs each test, Portico's beside
 * GreenMail's, in one JVM, alternating. One start is what the extension does before a test with
 * SMTP and POP3: {@code PorticoExtension.builder().smtp().pop3()...start()} and GreenMail's
 * {@code GreenMailExtension(SMTP_POP3 on dynamic ports).beforeEach}; it counts until both servers
 * answered a client with their greeting (ready). The stop after the test is timed on its own.
 * The first start of each is reported apart: it pays class loading and, for Portico, the TLS key
 * that every later start in the JVM reuses.
 */
final class ExtensionStart {

    private ExtensionStart() {}

    /** One started server pair: its ports and how to stop it. */
    private interface Started {
        int smtp();
        int pop3();
        void stop() throws Exception;
    }

    private interface Starter {
        Started start() throws Exception;
    }

    static void run(Args a) throws Exception {
        int rounds = a.integer("rounds", 5);
        int starts = a.integer("starts", 20);
        List<String> tags = a.tags();
        Starter portico = () -> {
            TestPortico p = PorticoExtension.builder().smtp().pop3().withUser("alice", "pw").start();
            return new Started() {
                public int smtp() { return p.port("smtp"); }
                public int pop3() { return p.port("pop3"); }
                public void stop() { p.close(); }
            };
        };
        ServerSetup[] setups = ServerSetup.dynamicPort(ServerSetupTest.SMTP_POP3);
        Starter greenmail = () -> {
            GreenMailExtension g = new GreenMailExtension(setups);
            g.beforeEach(null);
            return new Started() {
                public int smtp() { return g.getSmtp().getPort(); }
                public int pop3() { return g.getPop3().getPort(); }
                public void stop() { g.afterEach(null); }
            };
        };
        String[] names = {"portico", "greenmail"};
        Starter[] starters = {portico, greenmail};
        List<List<Double>> ready = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<Double>> stop = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < 2; i++) {
            double[] first = once(starters[i]);
            new Result("extension-start-first", first[0], "ms", tags).with("server", names[i]).with("stop_ms", first[1]).print();
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                int i = (r + k) % 2;             // the order turns every round
                for (int n = 0; n < starts; n++) {
                    double[] t = once(starters[i]);
                    ready.get(i).add(t[0]);
                    stop.get(i).add(t[1]);
                }
            }
        }
        double[] medians = new double[2];
        for (int i = 0; i < 2; i++) {
            double[] s = ready.get(i).stream().mapToDouble(Double::doubleValue).toArray();
            double[] st = stop.get(i).stream().mapToDouble(Double::doubleValue).toArray();
            medians[i] = Stats.median(s);
            new Result("extension-start", medians[i], "ms", tags).with("server", names[i])
                    .with("p90_ms", Stats.percentile(s, 90)).with("max_ms", Stats.percentile(s, 100))
                    .with("stop_median_ms", Stats.median(st)).with("starts", s.length).print();
        }
        System.out.printf(Locale.ROOT, "extension start to ready (SMTP+POP3 greeting), median of %d: portico %.1f ms, greenmail %.1f ms, portico/greenmail %.2f%n",
                rounds * starts, medians[0], medians[1], medians[0] / medians[1]);
    }

    /** Start to ready, and stop, in milliseconds. */
    private static double[] once(Starter starter) throws Exception {
        long t0 = System.nanoTime();
        Started s = starter.start();
        greeting(s.smtp());
        greeting(s.pop3());
        long t1 = System.nanoTime();
        s.stop();
        long t2 = System.nanoTime();
        return new double[]{(t1 - t0) / 1e6, (t2 - t1) / 1e6};
    }

    /** Connects and reads the server's first line: the server is ready for a test's client. */
    private static void greeting(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            for (int i = 0; i < 1000; i++) {
                int b = in.read();
                if (b < 0) throw new IOException("port " + port + " closed before its greeting");
                if (b == '\n') return;
            }
            throw new IOException("port " + port + ": no greeting line");
        }
    }
}
