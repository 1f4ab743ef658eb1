package dev.portico.core;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 13, defect 1: a server process out of file descriptors. {@link DescriptorLimitMain} runs
 * in its own JVM under {@code prlimit --nofile=128:128}; the test opens more connections than
 * that. Before the fix, accept failed with "Too many open files" and was retried at once with a
 * WARN each time (118,000 lines a second), and the connections over the limit hung without a
 * word. Now every connection gets either the greeting or the refusal line, a new client is
 * served again once some close, and the log stays a few lines long.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DescriptorExhaustionTest {

    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    private static final int LIMIT = 128;
    /** More connections than the child has descriptors, so its limit is passed whatever it holds itself. */
    private static final int CONNECTIONS = LIMIT + 40;

    @TempDir
    Path dir;

    @Test
    void idleClientsOverTheLimitAreRefusedCleanlyAndTheServerRecovers() throws Exception {
        exhaust(0);
    }

    /**
     * Sessions that hold three more descriptors each (an FTP transfer: passive listener, data
     * connection, file) run the process short before the session pool is full: the free
     * descriptors are counted then, and connections are refused while fewer than the reserve are.
     */
    @Test
    void busyClientsOverTheLimitAreRefusedCleanlyAndTheServerRecovers() throws Exception {
        exhaust(3);
    }

    /** Opens more connections than the child has descriptors, each holding {@code extra} more in the child. */
    private void exhaust(int extra) throws Exception {
        assumeTrue(Files.isExecutable(PRLIMIT), "needs util-linux prlimit");
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(PRLIMIT.toString(), "--nofile=" + LIMIT + ":" + LIMIT, java,
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), DescriptorLimitMain.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<RawClient> served = new ArrayList<>();
        try {
            int[] ports = ports(log, child);
            int toy = ports[0], big = ports[1];
            int refused = 0;
            // "big" has max-sessions 1,000,000: only the process-wide pool and reserve stop it
            for (int i = 0; i < CONNECTIONS; i++) {
                RawClient c = new RawClient(big).timeout(5000);
                String first = c.readLine();    // a hang here is the defect: no line, a read timeout
                if ("220 toy ready".equals(first)) {
                    served.add(c);
                    if (extra > 0) c.send("HOLD " + extra).expect("250 holding " + extra);
                } else {
                    assertThat(first).isEqualTo("421 busy");
                    refused++;
                    c.close();
                }
            }
            assertThat(served.size()).isBetween(10, (LIMIT - 1) / (1 + extra));
            assertThat(refused).isEqualTo(CONNECTIONS - served.size());
            // the pool is the process's: the other server refuses too, with its line, not a hang
            try (RawClient c = new RawClient(toy).timeout(5000)) {
                assertThat(c.readLine()).isEqualTo("421 busy");
            }
            for (int i = 0; i < 5; i++) {
                RawClient c = served.remove(served.size() - 1);
                c.send("QUIT");
                c.expect("221");
                c.expectClosed();
                c.close();
            }
            try (RawClient c = greetedEventually(toy)) {
                c.send("ECHO still answering");
                c.expect("250 still answering");
            }
        } finally {
            for (RawClient c : served) c.close();
            stop(child);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).noneMatch(l -> l.contains("Too many open files"));
        // one line per refusal interval and per closed session at most, not one per failed accept
        assertThat(lines.size()).as("log lines: %s", lines.subList(0, Math.min(20, lines.size())))
                .isLessThan(CONNECTIONS);
    }

    /** The child's {@code ports TOY BIG} line, waited for up to 20 s. */
    private static int[] ports(Path log, Process child) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) throw new AssertionError("child exited: " + Files.readString(log));
            for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (l.startsWith("ports ")) {
                    String[] p = l.split(" ");
                    return new int[]{Integer.parseInt(p[1]), Integer.parseInt(p[2])};
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("child printed no ports within 20 s: " + Files.readString(log));
    }

    /** A client past the greeting, once the sessions just closed have given their descriptors back (within 10 s). */
    private static RawClient greetedEventually(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            RawClient c = new RawClient(port).timeout(5000);
            String first = c.readLine();
            if ("220 toy ready".equals(first)) return c;
            c.close();
            assertThat(first).isEqualTo("421 busy");
            if (System.nanoTime() > deadline) throw new AssertionError("still refused 10 s after sessions closed");
            Thread.sleep(20);
        }
    }

    private static void stop(Process child) throws InterruptedException {
        try (OutputStream in = child.getOutputStream()) {
            in.flush();
        } catch (IOException ignored) {
            // already gone
        }
        if (!child.waitFor(5, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            child.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
