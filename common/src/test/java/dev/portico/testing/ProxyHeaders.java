package dev.portico.testing;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * PROXY protocol headers as HAProxy sends them (its {@code send-proxy} and {@code send-proxy-v2}),
 * and connections that start with one, for tests of servers behind a load balancer.
 */
public final class ProxyHeaders {

    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeaders() {}

    /** Version 1: {@code PROXY TCP4 src dst sport dport\r\n} (TCP6 for IPv6 sources). */
    public static byte[] v1(String source, int sourcePort, int destinationPort) {
        boolean v6 = source.contains(":");
        String line = "PROXY " + (v6 ? "TCP6 " : "TCP4 ") + source + " " + (v6 ? "::1" : "127.0.0.1") + " "
                + sourcePort + " " + destinationPort + "\r\n";
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /** Version 2, command PROXY, TCP over IPv4 or IPv6 as the source is, with {@code tlv} appended. */
    public static byte[] v2(String source, int sourcePort, int destinationPort, byte... tlv) {
        try {
            InetAddress src = InetAddress.getByName(source);
            boolean v4 = src instanceof Inet4Address;
            InetAddress dst = InetAddress.getByName(v4 ? "127.0.0.1" : "::1");
            int addresses = v4 ? 12 : 36;
            ByteBuffer b = ByteBuffer.allocate(16 + addresses + tlv.length);
            b.put(SIGNATURE).put((byte) 0x21).put((byte) (v4 ? 0x11 : 0x21)).putShort((short) (addresses + tlv.length));
            b.put(src.getAddress()).put(dst.getAddress()).putShort((short) sourcePort).putShort((short) destinationPort);
            b.put(tlv);
            return b.array();
        } catch (IOException e) {
            throw new IllegalArgumentException(source, e);
        }
    }

    /** Version 2, command LOCAL (a proxy's own health check): no addresses. */
    public static byte[] v2Local() {
        return ByteBuffer.allocate(16).put(SIGNATURE).put((byte) 0x20).put((byte) 0x00).putShort((short) 0).array();
    }

    /** A raw client on 127.0.0.1 whose first bytes are {@code header}, as a proxy's connection is. */
    public static RawClient connect(int port, byte[] header) throws IOException {
        RawClient c = new RawClient(port);
        c.sendBytes(header);
        return c;
    }

    /** A raw client from {@code localAddress} (127.0.0.2: not a trusted 127.0.0.1) to 127.0.0.1:{@code port}. */
    public static RawClient from(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(localAddress, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            return new RawClient(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }
}
