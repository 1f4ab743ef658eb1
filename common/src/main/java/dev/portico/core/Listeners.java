package dev.portico.core;

import dev.portico.core.tls.Tls;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The named listening sockets of one protocol server ({@code ftp} and {@code ftps},
 * {@code pop3} and {@code pop3s}): bound one by one, all closed when one fails to bind, stopped
 * together. Every server keeps its listeners here, so ports, names and shutdown work alike.
 */
public final class Listeners implements Closeable {

    private final Listening listening;
    private final ProxyProtocol proxy;
    private final Map<String, LineServer> servers = new LinkedHashMap<>();

    public Listeners(Listening listening) {
        this(listening, null);
    }

    /**
     * @param proxy the server's own {@code PROTOCOL.proxy-protocol.from}, or null for the process-wide
     *              one in {@code listening}
     */
    public Listeners(Listening listening, ProxyProtocol proxy) {
        this.listening = listening;
        this.proxy = proxy != null ? proxy : listening.proxy();
    }

    /** The proxies every listener of this server trusts to send a PROXY header. */
    public ProxyProtocol proxy() {
        return proxy;
    }

    /**
     * Binds a listener when {@code port} is present (empty means {@code off}); returns once it
     * accepts. When binding fails, every listener bound before is closed too and the error goes up.
     *
     * @param bind        listen address, or null for the shared one
     * @param implicitTls null, or the TLS identity every connection starts with (FTPS, POP3S)
     */
    public void start(String name, InetAddress bind, OptionalInt port, Limits limits, String refusalLine,
                      String shutdownLine, Tls implicitTls, ConnectionHandler handler) throws IOException {
        if (port.isEmpty()) return;
        InetSocketAddress address = new InetSocketAddress(bind != null ? bind : listening.bindAddress(), port.getAsInt());
        LineServer server = new LineServer(new LineServer.Options(name, address, limits, refusalLine, shutdownLine, implicitTls, proxy),
                handler, listening.sessions(), listening.filter(), listening.events());
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        servers.put(name, server);
    }

    /** The bound port of a listener, or -1 when it does not run. */
    public int port(String name) {
        LineServer s = servers.get(name);
        return s == null ? -1 : s.port();
    }

    /** Running listeners by name, in the order they were started, with their bound addresses. */
    public Map<String, InetSocketAddress> addresses() {
        Map<String, InetSocketAddress> m = new LinkedHashMap<>();
        servers.forEach((name, s) -> m.put(name, s.address()));
        return Collections.unmodifiableMap(m);
    }

    /** Stops accepting on every listener, last started first; sessions get each server's shutdown grace. */
    @Override
    public void close() {
        List<LineServer> all = new ArrayList<>(servers.values());
        Collections.reverse(all);
        for (LineServer s : all) s.close();
        servers.clear();
    }
}
