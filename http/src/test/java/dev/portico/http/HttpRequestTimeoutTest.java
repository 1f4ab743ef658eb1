package dev.portico.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code http.request-timeout}: a client that sends its request slowly, a header byte at a time
 * or a body byte at a time, cannot hold a connection past the bound; the JDK's server closes it
 * without an answer, and the listener goes on serving others.
 */
@Timeout(60)
class HttpRequestTimeoutTest {

    /** The JDK checks its request timer once a second. */
    private static final long CHECK_MILLIS = 1000;

    @TempDir Path dir;

    @Test
    void aClientDribblingItsHeadersIsDisconnectedWithinTheBound() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir)) {
            long tookMillis = dribbleUntilClosed(server.http.port(), "GET /health HTTP/1.1\r\nHost: localhost\r\n",
                    "X-Slow: " + "a".repeat(200));
            assertWithinTheBound(tookMillis);
            assertThat(server.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aClientDribblingItsBodyIsDisconnectedWithinTheBound() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir)) {
            long tookMillis = dribbleUntilClosed(server.http.port(), "PUT /api/v1/files/alice/slow.txt HTTP/1.1\r\n"
                    + "Host: localhost\r\nContent-Length: 200\r\n\r\n", "b".repeat(200));
            assertWithinTheBound(tookMillis);
            assertThat(server.get("/api/v1/files/alice/slow.txt").statusCode()).isEqualTo(404);
        }
    }

    /** Every server of these tests asked for the same bound, so it is the one in force. */
    private static void assertWithinTheBound(long tookMillis) {
        assertThat(System.getProperty(HttpServer.MAX_REQ_TIME)).isEqualTo(String.valueOf(HttpTestServer.REQUEST_TIMEOUT_SECONDS));
        long bound = Duration.ofSeconds(HttpTestServer.REQUEST_TIMEOUT_SECONDS).toMillis();
        assertThat(tookMillis).as("ms until the server closed the connection")
                .isGreaterThanOrEqualTo(bound - CHECK_MILLIS).isLessThan(bound + CHECK_MILLIS + 2000);
    }

    /**
     * Sends {@code head} at once, then {@code slowly} a byte every 100 ms (20 s if never cut off),
     * reading meanwhile; returns the milliseconds from the first byte until the server closed the
     * connection. Fails if it answered instead.
     */
    private static long dribbleUntilClosed(int port, String head, String slowly) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(100);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            long start = System.nanoTime();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < slowly.length(); i++) {
                try {
                    out.write(slowly.charAt(i));
                    out.flush();
                    int b = in.read();      // also the client's pace: a 100 ms read timeout
                    assertThat(b).as("the server answered a request it had not received whole").isEqualTo(-1);
                    return (System.nanoTime() - start) / 1_000_000;
                } catch (SocketTimeoutException notYet) {
                    // still connected: the next byte
                } catch (SocketException closed) {
                    return (System.nanoTime() - start) / 1_000_000;   // reset: our write met the closed socket
                }
            }
            throw new AssertionError("still connected after " + slowly.length() * 100 + " ms of dribbling");
        }
    }
}
