package dev.portico.ftp;

import dev.portico.core.LogSafe;
import dev.portico.core.ProxyProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A prepared data connection (RFC 959 §3.2): a passive listener waiting for the client, or an
 * active target the server will connect to. {@link #open()} runs on the transfer's own thread;
 * {@link #close()} may come from the control thread (ABOR, a new PASV, the end of the session).
 */
final class DataChannel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DataChannel.class);

    private final ServerSocketChannel listener;        // passive, else null
    private final InetSocketAddress target;            // active, else null
    private final InetAddress expectedPeer;            // passive: null means any peer
    private final ProxyProtocol proxy;                 // passive: whose connections start with a PROXY header
    private final InetSocketAddress activeFrom;        // active: preferred local address (port L-1)
    private final Duration timeout;
    private volatile SocketChannel channel;
    private volatile boolean closed;

    private DataChannel(ServerSocketChannel listener, InetSocketAddress target, InetAddress expectedPeer,
                        ProxyProtocol proxy, InetSocketAddress activeFrom, Duration timeout) {
        this.listener = listener;
        this.target = target;
        this.expectedPeer = expectedPeer;
        this.proxy = proxy;
        this.activeFrom = activeFrom;
        this.timeout = timeout;
    }

    /**
     * @param expectedPeer the control connection's client, or null to accept anyone
     * @param proxy        the proxies of the control listener: a data connection from one of them
     *                     must start with a PROXY header, whose source is the client compared with
     *                     {@code expectedPeer} (HAProxy {@code send-proxy} on the passive ports too)
     */
    static DataChannel passive(ServerSocketChannel listener, InetAddress expectedPeer, ProxyProtocol proxy, Duration timeout) {
        return new DataChannel(listener, null, expectedPeer, proxy, null, timeout);
    }

    /** @param from where to connect from: the control connection's local address and port − 1 */
    static DataChannel active(InetSocketAddress target, InetSocketAddress from, Duration timeout) {
        return new DataChannel(null, target, null, ProxyProtocol.OFF, from, timeout);
    }

    boolean isPassive() {
        return listener != null;
    }

    /** The passive listener's port. */
    int port() {
        return listener.socket().getLocalPort();
    }

    /** Accepts the client's connection or connects to it, within the data timeout. */
    SocketChannel open() throws IOException {
        SocketChannel ch = listener != null ? accept() : connect();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);   // the last segment of a small file must not wait
        ch.socket().setSoTimeout((int) timeout.toMillis());
        channel = ch;
        if (closed) {
            ch.close();
            throw new IOException("data connection closed");
        }
        return ch;
    }

    private SocketChannel accept() throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) throw new SocketTimeoutException("no data connection within " + timeout);
                listener.socket().setSoTimeout((int) Math.max(1, left));
                Socket s = listener.socket().accept();
                InetAddress from = s.getInetAddress();
                String via = "";
                if (proxy.trusts(from)) {
                    via = " through proxy " + from.getHostAddress();
                    try {
                        from = proxy.clientOf(s, Duration.ofMillis(Math.max(1, Math.min(left, ProxyProtocol.HEADER_TIMEOUT.toMillis()))))
                                .getAddress();
                    } catch (IOException e) {
                        log.warn("refused passive data connection{}: no valid PROXY header: {}", via, LogSafe.text(e.getMessage()));
                        s.close();
                        continue;
                    }
                }
                if (expectedPeer == null || expectedPeer.equals(from)) return s.getChannel();
                // RFC 2577 §3: a stranger racing for the passive port gets nothing
                log.warn("refused passive data connection from {}{} (control peer is {})",
                        from.getHostAddress(), via, expectedPeer.getHostAddress());
                s.close();
            }
        } finally {
            listener.close();
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open();
        channel = ch;
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            try {
                ch.bind(activeFrom);
                ch.socket().connect(target, (int) timeout.toMillis());
                return ch;
            } catch (IOException e) {
                if (closed || activeFrom.getPort() == 0 || e instanceof SocketTimeoutException) throw e;
                // port L-1 is privileged, taken, or in use towards the same client: any port will do
                log.info("active data connection from port {} failed ({}), using any port", activeFrom.getPort(), e.getMessage());
                ch.close();
            }
            ch = SocketChannel.open();
            channel = ch;
            ch.bind(new InetSocketAddress(activeFrom.getAddress(), 0));
            ch.socket().connect(target, (int) timeout.toMillis());
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    String describe() {
        return listener != null ? "passive on port " + port() : "active to " + target.getAddress().getHostAddress() + ":" + target.getPort();
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (listener != null) listener.close();
            SocketChannel ch = channel;
            if (ch != null && ch.isOpen()) {
                // shutdown(2) first: it wakes a thread blocked in sendfile, which a close alone does not
                try {
                    ch.shutdownOutput();
                    ch.shutdownInput();
                } catch (IOException ignored) {
                    // not connected or already shut: closing is enough
                }
                ch.close();
            }
        } catch (IOException ignored) {
            // closing is best effort: the transfer thread sees the close either way
        }
    }
}
