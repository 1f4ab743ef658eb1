package dev.portico.core;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * HAProxy's PROXY protocol, versions 1 (a text line) and 2 (binary), as a receiver: which peers
 * are proxies that must start each connection with a header naming the client, and reading that
 * header. A connection from any other address is a direct client and nothing is read from it, so
 * a client cannot choose the address it is seen with.
 *
 * <p>The header is read byte-exact (never a byte past it), so that what follows, a TLS ClientHello
 * or an upload on an FTP data connection, stays in the socket for whoever reads next.
 */
public final class ProxyProtocol {

    /** Trusts nobody: no header is ever read. */
    public static final ProxyProtocol OFF = new ProxyProtocol(List.of());

    /** A proxy sends its header as soon as it connects: a few seconds covers a loaded machine. */
    public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(5);
    /** Version 1 lines are at most 107 bytes with CR LF (the specification's bound). */
    static final int MAX_V1 = 107;
    /**
     * Version 2: 16 fixed bytes and up to this many more. Addresses take at most 216 (AF_UNIX);
     * the rest is room for TLVs (HAProxy's ALPN, authority, unique id, SSL details).
     */
    static final int MAX_V2_PAYLOAD = 1024;

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1_START = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern PORT = Pattern.compile("0|[1-9][0-9]{0,4}");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    /** A header that is missing, malformed, too long or of an unsupported version. */
    public static final class BadHeaderException extends IOException {
        public BadHeaderException(String message) {
            super(message);
        }
    }

    private final List<Cidr> from;

    /** @param from the proxies' address blocks; empty for none */
    public ProxyProtocol(List<Cidr> from) {
        this.from = List.copyOf(from);
    }

    /**
     * Reads {@code key} ({@code proxy-protocol.from}, {@code ftp.proxy-protocol.from}): a comma-separated
     * list of address blocks, or {@code off}. Returns {@code def} when the key is not set, so a
     * server's key falls back to the process-wide one as {@code ftp.bind} falls back to {@code bind}.
     */
    public static ProxyProtocol from(Settings s, String key, ProxyProtocol def) {
        List<String> blocks = s.list(key, null);
        if (blocks == null) return def;
        if (blocks.size() == 1 && blocks.get(0).equalsIgnoreCase("off")) return OFF;
        try {
            return new ProxyProtocol(blocks.stream().map(Cidr::parse).toList());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage() + " (use address blocks such as 10.0.0.0/8, or off)");
        }
    }

    public boolean isOn() {
        return !from.isEmpty();
    }

    /** The trusted proxies' blocks. */
    public List<Cidr> from() {
        return from;
    }

    /** Whether a connection from {@code peer} comes through a trusted proxy and must start with a header. */
    public boolean trusts(InetAddress peer) {
        for (Cidr c : from) {
            if (c.contains(peer)) return true;
        }
        return false;
    }

    /**
     * The client of a connection: the source the header names when {@code s} comes from a trusted
     * proxy, else the socket's own peer. Waits at most {@code timeout} for the header and leaves
     * the socket's read timeout as it was.
     *
     * @throws IOException a {@link BadHeaderException}, a timeout or the end of the stream before
     *                     a whole header
     */
    public InetSocketAddress clientOf(Socket s, Duration timeout) throws IOException {
        InetSocketAddress peer = (InetSocketAddress) s.getRemoteSocketAddress();
        if (!trusts(peer.getAddress())) return peer;
        int before = s.getSoTimeout();
        s.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        try {
            return read(s.getInputStream(), peer);
        } finally {
            s.setSoTimeout(before);
        }
    }

    /**
     * Reads one header of either version, auto-detected, and nothing after it. Returns the source
     * address it names, or {@code peer} when it names none: a v2 LOCAL command (the proxy's own
     * health check), {@code PROXY UNKNOWN}, or an address family other than IPv4 and IPv6.
     */
    public static InetSocketAddress read(InputStream in, InetSocketAddress peer) throws IOException {
        byte[] start = readFully(in, V1_START.length);
        if (Arrays.equals(start, V1_START)) return readV1(in, peer);
        if (Arrays.equals(start, 0, start.length, V2_SIGNATURE, 0, start.length)) return readV2(in, start, peer);
        throw new BadHeaderException("no PROXY header");
    }

    private static InetSocketAddress readV1(InputStream in, InetSocketAddress peer) throws IOException {
        byte[] line = new byte[MAX_V1];
        int n = V1_START.length;
        System.arraycopy(V1_START, 0, line, 0, n);
        while (true) {
            if (n == MAX_V1) throw new BadHeaderException("PROXY line longer than " + MAX_V1 + " bytes");
            int b = in.read();
            if (b < 0) throw new EOFException("connection ended inside the PROXY header");
            line[n++] = (byte) b;
            if (b == '\n') break;
        }
        if (n < 2 || line[n - 2] != '\r') throw new BadHeaderException("PROXY line not ended by CR LF");
        String text = new String(line, 0, n - 2, StandardCharsets.US_ASCII);
        String[] f = text.split(" ", -1);
        if (f.length >= 2 && f[1].equals("UNKNOWN")) return peer;   // the rest of the line is to be ignored
        if (f.length != 6) throw new BadHeaderException("PROXY line without 6 fields");
        boolean v4 = f[1].equals("TCP4");
        if (!v4 && !f[1].equals("TCP6")) throw new BadHeaderException("PROXY protocol family neither TCP4 nor TCP6");
        InetAddress source = literal(f[2], v4);
        literal(f[3], v4);
        int sourcePort = port(f[4]);
        port(f[5]);
        return new InetSocketAddress(source, sourcePort);
    }

    private static InetAddress literal(String text, boolean v4) throws BadHeaderException {
        // literals only: InetAddress.getByName would look a name up in the DNS
        boolean shaped = v4 ? IPV4.matcher(text).matches() : IPV6.matcher(text).matches() && text.indexOf(':') >= 0;
        if (shaped) {
            try {
                InetAddress a = InetAddress.getByName(text);
                if (!v4 || a.getAddress().length == 4) return a;
            } catch (UnknownHostException e) {
                // falls through to the refusal
            }
        }
        throw new BadHeaderException("PROXY line with a bad address");
    }

    private static int port(String text) throws BadHeaderException {
        if (!PORT.matcher(text).matches() || Integer.parseInt(text) > 65535) throw new BadHeaderException("PROXY line with a bad port");
        return Integer.parseInt(text);
    }

    private static InetSocketAddress readV2(InputStream in, byte[] start, InetSocketAddress peer) throws IOException {
        byte[] head = new byte[16];
        System.arraycopy(start, 0, head, 0, start.length);
        byte[] rest = readFully(in, head.length - start.length);
        System.arraycopy(rest, 0, head, start.length, rest.length);
        if (!Arrays.equals(head, 0, V2_SIGNATURE.length, V2_SIGNATURE, 0, V2_SIGNATURE.length)) {
            throw new BadHeaderException("no PROXY header");
        }
        int version = (head[12] & 0xf0) >> 4, command = head[12] & 0x0f;
        int family = (head[13] & 0xf0) >> 4, transport = head[13] & 0x0f;
        int length = (head[14] & 0xff) << 8 | head[15] & 0xff;
        if (version != 2) throw new BadHeaderException("PROXY header of version " + version);
        if (command > 1) throw new BadHeaderException("PROXY v2 command " + command);
        if (length > MAX_V2_PAYLOAD) throw new BadHeaderException("PROXY v2 header of " + length + " bytes");
        byte[] payload = readFully(in, length);
        // LOCAL: the proxy speaks for itself (health checks); the addresses, if any, mean nothing
        if (command == 0) return peer;
        int addressBytes = switch (family) {
            case 1 -> 4;
            case 2 -> 16;
            default -> 0;     // AF_UNSPEC and AF_UNIX: no IP address to take
        };
        if (addressBytes == 0 || transport != 1) {
            if (family > 3 || transport > 2) throw new BadHeaderException("PROXY v2 family/transport " + (head[13] & 0xff));
            return peer;
        }
        if (length < 2 * addressBytes + 4) throw new BadHeaderException("PROXY v2 addresses cut short");
        InetAddress source = InetAddress.getByAddress(Arrays.copyOfRange(payload, 0, addressBytes));
        int sourcePort = (payload[2 * addressBytes] & 0xff) << 8 | payload[2 * addressBytes + 1] & 0xff;
        return new InetSocketAddress(source, sourcePort);
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        int got = 0;
        while (got < n) {
            int k = in.read(b, got, n - got);
            if (k < 0) throw new EOFException("connection ended before a whole PROXY header");
            got += k;
        }
        return b;
    }

    /** The trusted blocks, for logs. */
    @Override
    public String toString() {
        return from.isEmpty() ? "off" : from.toString();
    }
}
