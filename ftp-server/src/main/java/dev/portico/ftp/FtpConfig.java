package dev.portico.ftp;

import dev.portico.core.Cidr;
import dev.portico.core.ConfigException;
import dev.portico.core.Limits;
import dev.portico.core.MinDataRate;
import dev.portico.core.ProxyProtocol;
import dev.portico.core.Settings;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * Settings of the FTP server, read from the {@code ftp.*} keys by {@link #from(Settings)}, the
 * only way to make one.
 *
 * @param bind             listen address; null means the shared one ({@code Listening.bindAddress()})
 * @param proxyProtocol    the proxies whose connections start with a PROXY header ({@code ftp.proxy-protocol.from}),
 *                         or null for the process-wide {@code proxy-protocol.from}
 * @param port             control port, 0 for an ephemeral one, empty when off
 * @param implicitPort     implicit FTPS port (TLS from the first byte), empty when off
 * @param limits           line, idle, session and shutdown limits of the control connection
 * @param passiveMin       first passive data port, 0 (with {@code passiveMax} 0) for any ephemeral port
 * @param passiveMax       last passive data port
 * @param passiveAddress   IPv4 address advertised in PASV replies to clients outside {@code localNetworks}; null: the real one
 * @param localNetworks    CIDR blocks whose clients get the real address in PASV replies
 * @param dataTimeout      how long a data connection may take to arrive or to connect, and stay silent
 * @param checkDataAddress data connections only to and from the control connection's peer (no FXP, no bounce)
 * @param anonymous        whether {@code USER anonymous} / {@code ftp} may log in, read-only
 * @param anonymousRoot    the anonymous root, {@code DATA/anonymous} unless configured
 * @param tlsResumption    what a PROT P data connection must do about the control connection's TLS session
 * @param tlsRequired      login and data only after AUTH TLS / PROT P
 * @param minDataRate      slowest an upload (STOR, APPE, STOU) may arrive, from its first byte, before it is aborted
 */
public record FtpConfig(InetAddress bind, ProxyProtocol proxyProtocol, OptionalInt port, OptionalInt implicitPort, Limits limits, int passiveMin,
                        int passiveMax, InetAddress passiveAddress, List<String> localNetworks, Duration dataTimeout,
                        boolean checkDataAddress, boolean anonymous, Path anonymousRoot,
                        TlsResumption tlsResumption, boolean tlsRequired, MinDataRate minDataRate) {

    /** Data-connection TLS session resumption policy (RFC 4217 §10.2 leaves it to the server). */
    public enum TlsResumption {
        /** No check is made (same as {@link #ENABLED} today: the JDK resumes whenever the client asks). */
        DISABLED,
        /** Resumption is allowed, not required. */
        ENABLED,
        /** A data connection must resume the control connection's session (vsftpd's require_ssl_reuse). */
        ENFORCED
    }

    public static final int DEFAULT_PORT = 2121;
    public static final List<String> DEFAULT_LOCAL_NETWORKS = List.of(
            "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
            "fc00::/7", "fe80::/10");
    /** The control connection's line limit: long enough for any real path, short enough to bound memory. */
    public static final Limits DEFAULT_LIMITS = Limits.DEFAULT.withMaxLineLength(4096);

    /**
     * Passive ports when none are configured: a fixed range below the kernel's ephemeral ports,
     * because with OS-chosen ports the TIME_WAITs of a busy server exhaust the ephemeral range
     * (MINA answers 425 that way under session load). {@code ftp.passive.ports=0} lets the OS choose.
     */
    public static final String DEFAULT_PASSIVE_PORTS = "21000-21999";

    public FtpConfig {
        localNetworks = List.copyOf(localNetworks);
    }

    /**
     * Reads every {@code ftp.*} key, and {@code data} for the default anonymous root; errors name
     * the key. Every key is read whatever the others say, so that none is reported as unknown.
     */
    public static FtpConfig from(Settings s) {
        int[] range = parseRange(s.string("ftp.passive.ports", DEFAULT_PASSIVE_PORTS));
        InetAddress passiveAddress = s.address("ftp.passive.address", null);
        if (passiveAddress != null && !(passiveAddress instanceof Inet4Address)) {
            throw new ConfigException("ftp.passive.address", "PASV can only advertise an IPv4 address");
        }
        List<String> nets = s.list("ftp.passive.local-networks", DEFAULT_LOCAL_NETWORKS);
        for (String n : nets) {
            try {
                Cidr.parse(n);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("ftp.passive.local-networks", "not a CIDR block: " + n);
            }
        }
        Path data = Path.of(s.string("data", "data"));
        Path anonymousRoot = Path.of(s.string("ftp.anonymous.root", data.resolve("anonymous").toString()));
        return new FtpConfig(s.address("ftp.bind", null), ProxyProtocol.from(s, "ftp.proxy-protocol.from", null),
                s.port("ftp.port", OptionalInt.of(DEFAULT_PORT)),
                s.port("ftp.implicit-port", OptionalInt.empty()), Limits.from(s, "ftp", DEFAULT_LIMITS),
                range[0], range[1], passiveAddress, nets, s.duration("ftp.data-timeout", Duration.ofSeconds(30)),
                s.bool("ftp.data.check-address", true), s.bool("ftp.anonymous", false), anonymousRoot,
                s.choice("ftp.tls.resumption", TlsResumption.class, TlsResumption.ENABLED),
                s.bool("ftp.tls.required", false), MinDataRate.from(s, "ftp", MinDataRate.DEFAULT));
    }

    private static int[] parseRange(String v) {
        if (v == null || v.isBlank() || v.equals("0")) return new int[]{0, 0};
        try {
            String[] parts = v.split("-", 2);
            int lo = Integer.parseInt(parts[0].trim());
            int hi = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : lo;
            if (lo < 1024 || hi > 65535 || hi < lo) throw new NumberFormatException();
            return new int[]{lo, hi};
        } catch (NumberFormatException e) {
            throw new ConfigException("ftp.passive.ports", "use a range like 50000-50100 (ports 1024-65535), not " + v);
        }
    }
}
