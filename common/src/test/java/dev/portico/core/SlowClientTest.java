package dev.portico.core;

import dev.portico.testing.RawClient;
import dev.portico.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.portico.core.LineServerTest.assertEventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, defect 2, in the core: the idle timeout bounds each read, the command timeout the
 * whole line. Before, a client sending one byte every few seconds and never a line ending kept
 * its session for ever (0 of 2,000 such connections closed in 120 s with a 20 s idle timeout).
 * Also the descriptor pool shared by the servers of a process (defect 1), in this JVM.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SlowClientTest {

    private final List<LineServer> servers = new ArrayList<>();

    private LineServer start(Limits limits, SessionRegistry registry) throws IOException {
        LineServer s = ToyProtocol.server(limits, TestTls.SERVER, registry, LineEnding.LENIENT).start();
        servers.add(s);
        return s;
    }

    @AfterEach
    void stop() {
        for (LineServer s : servers) s.stop(Duration.ofSeconds(1));
    }


    @Test
    void aLineDribbledPastTheCommandTimeoutEndsTheSession() throws Exception {
        LineServer server = start(Limits.DEFAULT.withIdleTimeout(Duration.ofSeconds(5)).withCommandTimeout(Duration.ofSeconds(1)),
                new SessionRegistry());
        try (RawClient c = new RawClient(server.port()).timeout(4000)) {
            c.expect("220");
            long start = System.nanoTime();
            // a byte every 100 ms for up to 6 s: each read is far inside the 5 s idle timeout
            Thread sender = c.dribble("ECHO " + "x".repeat(55), 100);
            c.expect("421 idle timeout");       // the toy protocol's answer to any timeout
            long took = (System.nanoTime() - start) / 1_000_000;
            assertThat(took).isBetween(900L, 3000L);
            c.expectClosed();
            sender.interrupt();
            sender.join(5000);
        }
        assertEventually(() -> server.liveCount() == 0);
    }

    @Test
    void everyLineHasItsOwnDeadlineAndSlowButCompleteLinesAreServed() throws Exception {
        LineServer server = start(Limits.DEFAULT.withCommandTimeout(Duration.ofSeconds(1)), new SessionRegistry());
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            // three lines of about 600 ms each: 1.8 s in all, each line inside its second
            for (int i = 0; i < 3; i++) {
                c.dribble("ECHO " + i + "\r\n", 60).join(5000);
                c.expect("250 " + i);
            }
        }
    }

    @Test
    void anEndlessLineSentAtFullSpeedIsCutToo() throws Exception {
        LineServer server = start(Limits.DEFAULT.withCommandTimeout(Duration.ofSeconds(1)), new SessionRegistry());
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo('2');
            byte[] chunk = "x".repeat(4096).getBytes();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean cut = false;
            while (!cut && System.nanoTime() < deadline) {
                try {
                    s.getOutputStream().write(chunk);
                } catch (IOException e) {
                    cut = true;         // reset: the server closed while we were still sending
                }
            }
            assertThat(cut).as("server closed an endless line").isTrue();
        }
    }

    @Test
    void theSessionPoolIsSharedByEveryServerOfTheRegistry() throws Exception {
        SessionRegistry registry = new SessionRegistry(3);
        // explicit max-sessions far above the pool: the pool still refuses, with the refusal line
        LineServer one = start(Limits.DEFAULT.withMaxSessions(1_000_000), registry);
        LineServer two = start(Limits.DEFAULT.withMaxSessions(1_000_000), registry);
        try (RawClient a = new RawClient(one.port()); RawClient b = new RawClient(two.port());
             RawClient c = new RawClient(two.port())) {
            a.expect("220");
            b.expect("220");
            c.expect("220");
            for (LineServer full : List.of(one, two)) {
                try (RawClient d = new RawClient(full.port())) {
                    d.expect("421 busy");
                    d.expectClosed();
                }
            }
            assertThat(registry.admitted()).isEqualTo(3);
            b.send("QUIT");
            b.expect("221");
            assertEventually(() -> registry.admitted() == 2);
            try (RawClient e = new RawClient(one.port())) {
                e.expect("220");
            }
        }
        assertEventually(() -> registry.admitted() == 0);
    }
}
