package dev.portico.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer waiting for the write lock gets it when the write under way ends (issue 13, the Telnet
 * test that failed on a busy machine): the Telnet input thread flushes after each read, and
 * while {@code cat} of a large file took the lock back chunk after chunk, it waited, did not
 * read the Ctrl-C the client had sent, and the file streamed on.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LineConnectionTest {

    @Test
    void aWriterWaitingForTheLockIsNotStarvedByAStreamingOne() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket accepted = listener.accept()) {
            LineConnection c = new LineConnection(1, "test", accepted, Limits.DEFAULT);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong chunks = new AtomicLong();
            Thread streamer = Thread.ofVirtual().start(() -> {
                byte[] chunk = new byte[65536];
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                try {
                    while (!stop.get() && System.nanoTime() < end) {   // as cat: write a chunk, flush, again
                        c.writeBytes(chunk, 0, chunk.length);
                        c.flush();
                        chunks.incrementAndGet();
                    }
                } catch (Exception ignored) {
                    // closed at the end
                }
            });
            // the client reads nothing yet: once the socket buffers are full the streamer stays
            // blocked in a write, holding the lock (a second rules out a thread merely descheduled
            // on a busy machine, which let the flush slip in between two writes)
            await(() -> c.writeStalledFor(System.currentTimeMillis()) > 1000);
            long[] waited = new long[1];
            Thread flusher = Thread.ofVirtual().start(() -> {
                long before = chunks.get();
                try {
                    c.flush();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                waited[0] = chunks.get() - before;
            });
            await(() -> c.writersWaiting() == 1 || !flusher.isAlive());
            assertThat(flusher.isAlive()).as("flush got the lock while the streamer was blocked holding it").isTrue();
            // now the client reads, slower than the streamer writes: its writes keep blocking
            Thread reader = Thread.ofVirtual().start(() -> {
                byte[] b = new byte[16384];
                try (InputStream in = client.getInputStream()) {
                    while (in.read(b) >= 0) LockSupport.parkNanos(1_000_000);
                } catch (Exception ignored) {
                    // closed at the end
                }
            });
            flusher.join(15_000);
            stop.set(true);
            c.close();
            streamer.join(5000);
            reader.join(5000);
            assertThat(flusher.isAlive()).as("flush still waiting").isFalse();
            // the chunk under way may finish first, none after it
            assertThat(waited[0]).as("chunks streamed while a flush waited").isLessThanOrEqualTo(1);
        }
    }

    /** SMTP DATA reads a line at a time and must leave what follows the end marker to the next readLine. */
    @Test
    void readThroughStopsAfterTheStopByteAndLeavesTheRestForReadLine() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket accepted = listener.accept()) {
            LineConnection c = new LineConnection(1, "test", accepted, Limits.DEFAULT);
            client.getOutputStream().write("DATA\r\none\r\ntwo\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            assertThat(c.readLine()).isEqualTo("DATA");
            LineConnection.DataStream data = c.dataStream();
            byte[] b = new byte[64];
            int n = data.readThrough(b, 0, 2, (byte) '\n');
            assertThat(new String(b, 0, n, StandardCharsets.US_ASCII)).isEqualTo("on");
            for (String want : new String[]{"e\r\n", "two\r\n", ".\r\n"}) {
                n = data.readThrough(b, 0, b.length, (byte) '\n');
                assertThat(new String(b, 0, n, StandardCharsets.US_ASCII)).isEqualTo(want);
            }
            assertThat(c.readLine()).as("the command after the end marker").isEqualTo("QUIT");
            c.close();
        }
    }

    /** Waits up to 10 s for a state of this test's own threads. */
    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 10 s");
            LockSupport.parkNanos(1_000_000);
        }
    }
}
