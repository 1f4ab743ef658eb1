package dev.portico.core;

import dev.portico.testing.RawClient;
import dev.portico.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.auth.PasswordHash;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LineServerTest {

    private final SessionRegistry registry = new SessionRegistry();
    /** This class's own platform threads, so that other test classes running at once cannot take them. */
    private final PlatformThreads threads = new PlatformThreads("toy-idle", 2);
    private LineServer server;

    private LineServer start(Limits limits, LineEnding ending) throws IOException {
        server = ToyProtocol.server(limits, TestTls.SERVER, registry, ending).sessionThreads(threads).start();
        return server;
    }

    /** A server whose sessions run on virtual threads only, as IMAP's do. */
    private LineServer startVirtual(Limits limits) throws IOException {
        server = ToyProtocol.server(limits, TestTls.SERVER, registry, LineEnding.LENIENT, false).start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(Duration.ofSeconds(1));
        threads.close();
    }

    @Test
    void conversingSessionsMoveToPlatformThreadsAndPauseWithoutOne() throws IOException {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            toPlatformThread(c);
            assertEventually(() -> server.pausedCount() == 1 && threads.busy() == 0);
            c.send("THREAD");
            c.expect("250 platform");   // woken on the platform thread it left, which waits for work now
        }
    }

    @Test
    void sessionsThatDoNotConverseMakeNoPlatformThread() throws IOException {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            c.send("THREAD");
            c.expect("250 virtual");
            assertEventually(() -> server.pausedCount() == 1);
            c.send("THREAD");
            c.expect("250 virtual");   // no platform thread was made, so none waits to take it
        }
    }

    @Test
    void conversingSessionsBeyondThePlatformThreadsWaitUntimedOnVirtualOnes() throws Exception {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        // the class's two platform threads taken, for as long as the test needs, with no clock involved
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            assertThat(threads.tryStart("held", () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })).isTrue();
        }
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            converse(c, 1);
            c.send("THREAD");
            c.expect("250 virtual");
            release.countDown();
            // with a platform thread free again, the conversing session takes it at its next wait
            toPlatformThread(c, LineServer.CONVERSING_AFTER);
        } finally {
            release.countDown();
        }
    }

    @Test
    void tlsSessionWaitsForASilentClientOnAVirtualThread() throws Exception {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            secure(c);
            toPlatformThread(c, 1);
            // it cannot pause (the engine may hold decrypted bytes), so it gives its platform thread back to wait
            assertEventually(() -> threads.busy() == 0);
            assertThat(server.pausedCount()).isZero();
            c.send("THREAD");
            c.expect("250 virtual");
        }
    }

    @Test
    void sessionsOfAnOpenerWithoutQuickStepsStayOnVirtualThreads() throws IOException {
        startVirtual(Limits.DEFAULT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            for (int i = 0; i < 2 * LineServer.CONVERSING_AFTER; i++) {
                c.send("THREAD");
                c.expect("250 virtual");
            }
        }
    }

    /** STARTTLS on the toy: the session goes on over TLS. */
    private static void secure(RawClient c) throws Exception {
        c.send("STARTTLS");
        c.expect("220 go ahead");
        c.startTls();
        c.expect("250 secure");
    }

    /**
     * Sends THREAD, each soon after the last reply, until a step runs on a platform thread, and
     * checks that the commands of a login were not enough for one. A command that came late (a
     * loaded machine) starts the count again, so up to 40 are sent.
     */
    private void toPlatformThread(RawClient c) throws IOException {
        toPlatformThread(c, 0);
    }

    /** @param sentBefore commands the client sent since the greeting, each at once */
    private void toPlatformThread(RawClient c, int sentBefore) throws IOException {
        for (int i = 0; i < 40; i++) {
            c.send("THREAD");
            if (c.expect("250").equals("250 platform")) {
                assertThat(sentBefore + i).as("commands answered on a virtual thread first")
                        .isGreaterThanOrEqualTo(LineServer.CONVERSING_AFTER);
                return;
            }
        }
        throw new AssertionError("the session never moved to a platform thread");
    }

    @Test
    void overlongLineIsRefusedAndTheSessionGoesOn() throws IOException {
        start(Limits.DEFAULT.withMaxLineLength(64), LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            c.send("ECHO " + "x".repeat(100_000));
            c.expect("500 line too long");
            c.send("ECHO " + "y".repeat(59));
            assertThat(c.expect("250")).isEqualTo("250 " + "y".repeat(59));
            c.send("ECHO " + "y".repeat(60));
            c.expect("500 line too long");
        }
    }

    @Test
    void strictEndingRefusesBareLineFeedAndBareCarriageReturn() throws IOException {
        start(Limits.DEFAULT, LineEnding.STRICT_CRLF);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            c.sendRaw("ECHO a\n");
            c.expect("500 bare line ending");
            c.sendRaw("ECHO a\rb\r\n");
            c.expect("500 bare line ending");
            c.sendRaw("ECHO ok\r\n");
            c.expect("250 ok");
        }
    }

    @Test
    void lenientEndingAcceptsBareLineFeed() throws IOException {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            c.sendRaw("ECHO a\nECHO b\r\n");
            c.expect("250 a");
            c.expect("250 b");
        }
    }

    @Test
    void idleSessionIsTimedOut() throws IOException {
        start(Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(300)), LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            c.expect("421 idle timeout");
            c.expectClosed();
        }
    }

    @Test
    void sessionWhoseClientStopsReadingIsClosed() throws IOException {
        start(Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(300)), LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            c.send("FLOOD");
            assertEventually(() -> server.liveCount() == 1);
            assertEventually(() -> server.liveCount() == 0);
        }
    }

    @Test
    void sessionsPerAddressAreLimited() throws IOException {
        start(Limits.DEFAULT.withMaxSessionsPerAddress(2), LineEnding.LENIENT);
        try (RawClient a = new RawClient(server.port()); RawClient b = new RawClient(server.port())) {
            a.expect("220");
            b.expect("220");
            try (RawClient third = new RawClient(server.port())) {
                third.expect("421 busy");
                third.expectClosed();
            }
            a.send("QUIT");
            a.expect("221");
            a.expectClosed();
            assertEventually(() -> server.liveCount() == 1);
            try (RawClient again = new RawClient(server.port())) {
                again.expect("220");
            }
        }
    }

    @Test
    void totalSessionsAreLimited() throws IOException {
        start(Limits.DEFAULT.withMaxSessions(1), LineEnding.LENIENT);
        try (RawClient a = new RawClient(server.port())) {
            a.expect("220");
            try (RawClient b = new RawClient(server.port())) {
                b.expect("421 busy");
            }
        }
    }

    @Test
    void commandPipelinedAfterStartTlsIsDiscarded() throws IOException {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            c.sendRaw("STARTTLS\r\nECHO injected\r\n");
            c.expect("220 go ahead");
            c.startTls();
            String secure = c.expect("250 secure");
            assertThat(secure).isEqualTo("250 secure, dropped 15");
            c.send("ECHO after");
            assertThat(c.expect("250")).isEqualTo("250 after");
        }
    }

    @Test
    void stopClosesIdleSessionsAtOnceAndLetsBusyOnesFinish() throws Exception {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient idle = new RawClient(server.port()); RawClient busy = new RawClient(server.port())) {
            idle.expect("220");
            busy.expect("220");
            busy.send("SLOW 500");
            // once this arrives the busy session has its command: a sleep here failed on a loaded machine
            busy.expect("100 sleeping");
            long t0 = System.nanoTime();
            server.stop(Duration.ofSeconds(5));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            idle.expect("421 shutting down");
            busy.expect("250 done");
            assertThat(ms).isLessThan(4000);
            assertThatRefused(server.port());
        }
    }

    @Test
    void stopCutsSessionsThatOutliveTheGracePeriod() throws Exception {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient busy = new RawClient(server.port())) {
            busy.expect("220");
            busy.send("SLOW 20000");
            busy.expect("100 sleeping");
            server.stop(Duration.ofMillis(200));
            busy.expect("421 shutting down");
            busy.expectClosed();
        }
    }

    @Test
    void registryListsAndKicksSessions() throws IOException {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            c.send("ECHO hi");
            c.expect("250 hi");
            assertThat(registry.sessions()).singleElement().satisfies(s -> {
                assertThat(s.protocol()).isEqualTo("toy");
                assertThat(s.bytesIn()).isEqualTo("ECHO hi\r\n".length());
            });
            long id = registry.sessions().get(0).id();
            assertThat(registry.close(id)).isTrue();
            c.expectClosed();
            assertEventually(() -> registry.size() == 0);
            assertThat(registry.stats()).singleElement().satisfies(s -> assertThat(s.sessions()).isEqualTo(1));
        }
    }

    @Test
    void idleSessionPausesAndWakesForEachCommand() throws IOException {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            assertEventually(() -> server.pausedCount() == 1);
            c.send("ECHO woken");
            c.expect("250 woken");
            assertEventually(() -> server.pausedCount() == 1);
            everyShapeOfInput(c, () -> assertEventually(() -> server.pausedCount() == 1));
            c.send("QUIT");
            c.expect("221");
            c.expectClosed();
        }
        assertEventually(() -> server.liveCount() == 0);
    }

    @Test
    void pausedSessionIsTimedOut() throws IOException {
        start(Limits.DEFAULT.withIdleTimeout(Duration.ofSeconds(1)), LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            assertEventually(() -> server.pausedCount() == 1);
            c.expect("421 idle timeout");
            c.expectClosed();
        }
        assertEventually(() -> server.liveCount() == 0);
    }

    @Test
    void pausedSessionClosedByItsClientEnds() throws IOException {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            assertEventually(() -> server.pausedCount() == 1);
        }
        assertEventually(() -> server.liveCount() == 0 && registry.size() == 0);
    }

    @Test
    void pausedSessionsAreKickedAndStopped() throws IOException {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient kicked = new RawClient(server.port()); RawClient stopped = new RawClient(server.port())) {
            kicked.expect("220");
            stopped.expect("220");
            assertEventually(() -> server.pausedCount() == 2);
            kickFirstAndStop(kicked, stopped);
        }
    }

    /**
     * Input in every shape that ends a wait for a command, each answered in order: pipelined
     * commands, a line longer than the first read, a line in two pieces (the first ends the wait,
     * the session reads the rest); {@code between} runs after each.
     */
    private static void everyShapeOfInput(RawClient c, Runnable between) throws IOException {
        c.sendRaw("ECHO one\r\nECHO two\r\n");
        c.expect("250 one");
        c.expect("250 two");
        between.run();
        String longLine = "z".repeat(300);
        c.send("ECHO " + longLine);
        assertThat(c.expect("250")).isEqualTo("250 " + longLine);
        between.run();
        c.sendRaw("EC");
        c.sendRaw("HO pieces\r\n");
        c.expect("250 pieces");
        between.run();
    }

    /** Kicks the session that connected first, then stops the server: the other one gets the shutdown line. */
    private void kickFirstAndStop(RawClient kicked, RawClient stopped) throws IOException {
        long id = registry.sessions().stream().mapToLong(SessionInfo::id).min().orElseThrow();
        assertThat(registry.close(id)).isTrue();
        kicked.expectClosed();
        assertEventually(() -> server.liveCount() == 1);
        server.stop(Duration.ofSeconds(5));
        stopped.expect("421 shutting down");
        stopped.expectClosed();
        assertThat(server.liveCount()).isZero();
    }

    @Test
    void conversingSessionWaitsUntimedGivesItsBuffersUpAndTimesOut() throws IOException {
        startVirtual(Limits.DEFAULT.withIdleTimeout(Duration.ofSeconds(1)));
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            converse(c, 1);
            everyShapeOfInput(c, () -> { });   // at once, so the session goes on conversing
            assertEventually(() -> server.conversingCount() == 1 && server.pausedCount() == 1);
            c.expect("421 idle timeout");
            c.expectClosed();
        }
        assertEventually(() -> server.liveCount() == 0);
    }

    @Test
    void conversingSessionThatFallsSilentPausesAfterItsNextCommand() throws IOException {
        startVirtual(Limits.DEFAULT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            converse(c, 1);
            assertEventually(() -> server.conversingCount() == 1 && server.pausedCount() == 1);
            c.send("ECHO back");
            c.expect("250 back");
            // it waited longer than the pause delay: the next wait is the timed one, and it pauses without a thread
            assertEventually(() -> server.conversingCount() == 0 && server.pausedCount() == 1);
            c.send("ECHO again");
            c.expect("250 again");
        }
    }

    @Test
    void conversingSessionsAreKickedStoppedAndEndWhenTheirClientCloses() throws IOException {
        startVirtual(Limits.DEFAULT);
        try (RawClient kicked = new RawClient(server.port()); RawClient stopped = new RawClient(server.port())) {
            kicked.expect("220");
            converse(kicked, 1);
            try (RawClient leaving = new RawClient(server.port())) {
                leaving.expect("220");
                converse(leaving, 2);
            }
            assertEventually(() -> server.liveCount() == 2 && registry.size() == 2);
            stopped.expect("220");
            converse(stopped, 2);
            kickFirstAndStop(kicked, stopped);
        }
    }

    /**
     * Sends commands, each soon after the last reply, until {@code conversing} sessions wait
     * untimed, and checks that a login's worth of commands was not enough. A session is looked at
     * for 10 ms after each reply, a tenth of the pause delay, so that the look itself never makes
     * the client slow enough to stop the conversation; one it misses is seen after the next command.
     */
    private void converse(RawClient c, int conversing) throws IOException {
        for (int i = 0; i < 40; i++) {
            c.send("ECHO " + i);
            c.expect("250 " + i);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
            do {
                if (server.conversingCount() == conversing) {
                    assertThat(i + 1).as("commands before the session conversed").isGreaterThanOrEqualTo(LineServer.CONVERSING_AFTER);
                    return;
                }
                Thread.yield();
            } while (System.nanoTime() < deadline);
        }
        throw new AssertionError("the session never waited untimed");
    }

    @Test
    void sessionAfterStartTlsStaysOnItsThreadAndAnswers() throws Exception {
        start(Limits.DEFAULT, LineEnding.LENIENT);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
            secure(c);
            // A plain session opened after the TLS one's last reply has waited less than it: once the
            // plain one has paused, the TLS one is past the pause delay too, and must still hold its thread
            // (a TLS engine may hold decrypted bytes no selector sees). No sleep: the plain pause is the clock.
            try (RawClient plain = new RawClient(server.port())) {
                plain.expect("220");
                assertEventually(() -> server.pausedCount() >= 1);
                assertThat(server.pausedCount()).isEqualTo(1);
            }
            c.send("ECHO still secure");
            c.expect("250 still secure");
        }
    }

    @Test
    void holdsTwoThousandIdleConnections() throws Exception {
        start(Limits.DEFAULT.withMaxSessionsPerAddress(5000), LineEnding.LENIENT);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 2000; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                sockets.add(s);
            }
            assertEventually(() -> server.liveCount() == 2000);
            try (RawClient fresh = new RawClient(server.port())) {
                fresh.expect("220");
                fresh.send("ECHO still answering");
                fresh.expect("250 still answering");
            }
        } finally {
            for (Socket s : sockets) s.close();
        }
        assertEventually(() -> server.liveCount() == 0);
    }

    @Test
    void bindsIpv6Loopback() throws IOException {
        server = new LineServer(new LineServer.Options("toy", new InetSocketAddress("::1", 0), Limits.DEFAULT,
                "421 busy", "421 bye", null), new ToyProtocol(TestTls.SERVER), registry, ConnectionFilter.ADMIT_ALL).start();
        try (RawClient c = new RawClient("::1", server.port())) {
            c.expect("220");
        }
    }

    @Test
    void bannedAddressesAreRefusedAtAccept(@TempDir Path dir) throws IOException {
        var users = new FileUserDirectory(dir.resolve("users"), new PasswordHash(10));
        var guard = new LoginGuard(users, new LoginGuard.Policy(
                Duration.ofMillis(1), Duration.ofMillis(1), 2, Duration.ofMinutes(1), Duration.ofMinutes(1)));
        server = new LineServer(new LineServer.Options("toy", new InetSocketAddress("127.0.0.1", 0), Limits.DEFAULT,
                "421 go away", "421 bye", null), new ToyProtocol(TestTls.SERVER), registry, guard).start();
        var loopback = InetAddress.getByName("127.0.0.1");
        guard.login("other", loopback, "nobody", "x".toCharArray());
        guard.login("other", loopback, "nobody", "y".toCharArray());
        try (RawClient c = new RawClient(server.port())) {
            c.expect("421 go away");
            c.expectClosed();
        }
        guard.unban(loopback);
        try (RawClient c = new RawClient(server.port())) {
            c.expect("220");
        }
    }

    @Test
    void implicitTlsHandshakesBeforeTheGreeting() throws IOException {
        server = new LineServer(new LineServer.Options("toys", new InetSocketAddress("127.0.0.1", 0), Limits.DEFAULT,
                "421 busy", "421 bye", TestTls.SERVER), new ToyProtocol(TestTls.SERVER), registry, ConnectionFilter.ADMIT_ALL).start();
        try (var s = (SSLSocket) TestTls.CLIENT.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            s.startHandshake();
            assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            byte[] greeting = new byte[15];
            assertThat(s.getInputStream().readNBytes(greeting, 0, 15)).isEqualTo(15);
            assertThat(new String(greeting, StandardCharsets.US_ASCII)).isEqualTo("220 toy ready\r\n");
        }
    }

    @Test
    void tlsIsOfferedInVersionsOnePointTwoAndThreeOnly() throws Exception {
        server = new LineServer(new LineServer.Options("toys", new InetSocketAddress("127.0.0.1", 0), Limits.DEFAULT,
                "421 busy", "421 bye", TestTls.SERVER), new ToyProtocol(TestTls.SERVER), registry, ConnectionFilter.ADMIT_ALL).start();
        try (var s = (SSLSocket) TestTls.CLIENT.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            s.setEnabledProtocols(new String[]{"TLSv1.2"});
            s.startHandshake();
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
        try (var s = (SSLSocket) TestTls.CLIENT.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            s.setEnabledProtocols(new String[]{"TLSv1.1"});
            Assertions.assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class);
        }
        // A JDK client cannot offer TLS 1.1 any more (disabled JDK-wide), so the floor is checked
        // on the server's own socket: nothing older than 1.2 is enabled there.
        try (var listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             var client = new Socket("127.0.0.1", listener.getLocalPort());
             var accepted = TestTls.SERVER.wrapServer(listener.accept())) {
            assertThat(accepted.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        }
    }

    private static void assertThatRefused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(1000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (IOException expected) {
            // refused: the listener is gone
        }
    }

    static void assertEventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 10 s");
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
