package dev.portico.ftp;

import dev.portico.core.Cidr;
import dev.portico.core.ProxyProtocol;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How one server offers passive data connections, made once from its config and shared by its
 * sessions: listeners from the configured range, handed out round robin so the ports of recent
 * data connections (still in TIME_WAIT on the client side) are the last to be reused (with no
 * range, the operating system picks an ephemeral port), and the address a PASV reply shows.
 */
final class PassivePorts {

    private final int min, max;
    private final AtomicInteger next = new AtomicInteger();
    /** The configured public address, or null. */
    private final InetAddress publicAddress;
    private final List<Cidr> localNetworks;
    /** The proxies of the control listeners: their passive data connections start with a PROXY header too. */
    final ProxyProtocol proxy;

    PassivePorts(FtpConfig config, ProxyProtocol proxy) {
        this.proxy = proxy;
        this.min = config.passiveMin();
        this.max = config.passiveMax();
        this.publicAddress = config.passiveAddress();
        this.localNetworks = config.localNetworks().stream().map(Cidr::parse).toList();
    }

    /**
     * The address a PASV reply shows this client: the configured public one, unless the client is
     * in a local network (or none is configured), which gets the control connection's own address.
     */
    InetAddress advertisedAddress(InetAddress client, InetAddress local) {
        if (publicAddress == null) return local;
        for (Cidr c : localNetworks) {
            if (c.contains(client)) return local;
        }
        return publicAddress;
    }

    /** A listener bound to {@code address}, or an exception when every port of the range is busy. */
    ServerSocketChannel open(InetAddress address) throws IOException {
        if (min == 0) return bind(address, 0);
        int size = max - min + 1;
        for (int i = 0; i < size; i++) {
            int port = min + Math.floorMod(next.getAndIncrement(), size);
            try {
                return bind(address, port);
            } catch (BindException e) {
                // in use by another session: try the next one
            }
        }
        throw new BindException("every passive port " + min + "-" + max + " is in use");
    }

    private static ServerSocketChannel bind(InetAddress address, int port) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(address, port), 4);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }
}
