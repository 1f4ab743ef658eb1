package dev.portico.ftp;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out passive listeners from the configured range, round robin, so the ports of recent
 * data connections (still in TIME_WAIT on the client side) are the last to be reused. With no
 * range, the operating system picks an ephemeral port.
 */
final class PassivePorts {

    private final int min, max;
    private final AtomicInteger next = new AtomicInteger();

    PassivePorts(int min, int max) {
        this.min = min;
        this.max = max;
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
