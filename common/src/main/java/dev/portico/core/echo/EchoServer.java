package dev.portico.core.echo;

import dev.portico.core.LineConnection;
import dev.portico.core.LineServer;
import dev.portico.core.Limits;
import dev.portico.core.Listening;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * The Echo protocol (RFC 862) on TCP and UDP, the same port number for both: the simplest
 * service on the core, and a health check for it.
 */
public final class EchoServer implements Closeable {

    private final LineServer tcp;
    private DatagramSocket udp;
    private Thread udpLoop;

    public EchoServer(Listening listening, InetSocketAddress address, Limits limits) {
        this.tcp = new LineServer(new LineServer.Options("echo", address, limits, null, null, null),
                EchoServer::echo, listening.sessions(), listening.filter());
    }

    private static void echo(LineConnection c) throws IOException {
        InputStream in = c.dataStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
            c.writeBytes(buf, 0, n);
            if (in.available() == 0) c.flush();
        }
    }

    /** Starts TCP, then UDP on the port TCP got. */
    public EchoServer start() throws IOException {
        tcp.start();
        udp = new DatagramSocket(new InetSocketAddress(tcp.address().getAddress(), tcp.port()));
        udpLoop = Thread.ofPlatform().name("echo-udp").daemon(true).start(this::serveUdp);
        return this;
    }

    private void serveUdp() {
        byte[] buf = new byte[65_535];
        while (!udp.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
                udp.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            } catch (IOException e) {
                // a closed socket ends the loop; a failed send to one peer must not
            }
        }
    }

    public int port() {
        return tcp.port();
    }

    public InetSocketAddress address() {
        return tcp.address();
    }

    @Override
    public void close() {
        tcp.close();
        if (udp != null) udp.close();
    }
}
