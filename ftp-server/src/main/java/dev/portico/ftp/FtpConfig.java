package dev.portico.ftp;

import dev.portico.core.ConfigException;
import dev.portico.core.Limits;
import dev.portico.core.Settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Settings of the FTP server, read from the {@code ftp.*} keys.
 *
 * @param bind             listen address; null means the shared {@code Services.bindAddress()}
 * @param port             control port, 0 for an ephemeral one, -1 when off
 * @param implicitPort     implicit FTPS port (TLS from the first byte), -1 when off
 * @param limits           line, idle, session and shutdown limits of the control connection
 * @param passiveMin       first passive data port, 0 (with {@code passiveMax} 0) for any ephemeral port
 * @param passiveMax       last passive data port
 * @param passiveAddress   address advertised in PASV replies to clients outside {@code localNetworks}; null: the real one
 * @param localNetworks    CIDR blocks whose clients get the real address in PASV replies
 * @param dataTimeout      how long a data connection may take to arrive or to connect, and stay silent
 * @param checkDataAddress data connections only to and from the control connection's peer (no FXP, no bounce)
 * @param anonymous        whether {@code USER anonymous} / {@code ftp} may log in, read-only
 * @param anonymousRoot    the anonymous root; null means {@code DATA/anonymous}
 * @param tlsResumption    what a PROT P data connection must do about the control connection's TLS session
 * @param tlsRequired      login and data only after AUTH TLS / PROT P
 */
public record FtpConfig(InetAddress bind, int port, int implicitPort, Limits limits, int passiveMin, int passiveMax,
                        String passiveAddress, List<String> localNetworks, Duration dataTimeout,
                        boolean checkDataAddress, boolean anonymous, Path anonymousRoot,
                        TlsResumption tlsResumption, boolean tlsRequired) {

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

    public FtpConfig {
        localNetworks = List.copyOf(localNetworks);
        if (passiveMin < 0 || passiveMax < passiveMin || passiveMax > 65535) {
            throw new IllegalArgumentException("bad passive port range " + passiveMin + "-" + passiveMax);
        }
        localNetworks.forEach(Cidr::parse);
    }

    /**
     * Passive ports when none are configured: a fixed range below the kernel's ephemeral ports,
     * because with OS-chosen ports the TIME_WAITs of a busy server exhaust the ephemeral range
     * (MINA answers 425 that way under session load). {@code ftp.passive.ports=0} lets the OS choose.
     */
    public static final String DEFAULT_PASSIVE_PORTS = "21000-21999";

    /** Defaults of the operating contract with the given control port (0 in tests), passive ports from the OS. */
    public static FtpConfig defaults(int port) {
        return new FtpConfig(null, port, -1, DEFAULT_LIMITS, 0, 0, null, DEFAULT_LOCAL_NETWORKS,
                Duration.ofSeconds(30), true, false, null, TlsResumption.ENABLED, false);
    }

    /** Reads every {@code ftp.*} key; errors name the key. */
    public static FtpConfig from(Settings s) {
        InetAddress bind = null;
        String b = s.string("ftp.bind", null);
        if (b != null) {
            try {
                bind = InetAddress.getByName(b);
            } catch (UnknownHostException e) {
                throw new ConfigException("ftp.bind", "unknown address: " + b);
            }
        }
        int[] range = parseRange(s.string("ftp.passive.ports", DEFAULT_PASSIVE_PORTS));
        String resumption = s.string("ftp.tls.resumption", "enabled").toUpperCase(Locale.ROOT);
        TlsResumption policy;
        try {
            policy = TlsResumption.valueOf(resumption);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ftp.tls.resumption", "use disabled, enabled or enforced, not " + resumption);
        }
        List<String> nets = s.list("ftp.passive.local-networks", DEFAULT_LOCAL_NETWORKS);
        for (String n : nets) {
            try {
                Cidr.parse(n);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("ftp.passive.local-networks", "not a CIDR block: " + n);
            }
        }
        String anonRoot = s.string("ftp.anonymous.root", null);
        return new FtpConfig(bind, orOff(s.port("ftp.port", DEFAULT_PORT)), orOff(s.port("ftp.implicit-port", -1)),
                Limits.from(s, "ftp", DEFAULT_LIMITS), range[0], range[1], s.string("ftp.passive.address", null),
                nets, s.duration("ftp.data-timeout", Duration.ofSeconds(30)), s.bool("ftp.data.check-address", true),
                s.bool("ftp.anonymous", false), anonRoot == null ? null : Path.of(anonRoot), policy,
                s.bool("ftp.tls.required", false));
    }

    private static int orOff(OptionalInt p) {
        return p.isPresent() ? p.getAsInt() : -1;
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

    public FtpConfig withImplicitPort(int v) {
        return new FtpConfig(bind, port, v, limits, passiveMin, passiveMax, passiveAddress, localNetworks,
                dataTimeout, checkDataAddress, anonymous, anonymousRoot, tlsResumption, tlsRequired);
    }

    public FtpConfig withLimits(Limits v) {
        return new FtpConfig(bind, port, implicitPort, v, passiveMin, passiveMax, passiveAddress, localNetworks,
                dataTimeout, checkDataAddress, anonymous, anonymousRoot, tlsResumption, tlsRequired);
    }

    public FtpConfig withPassive(int min, int max, String address, List<String> networks) {
        return new FtpConfig(bind, port, implicitPort, limits, min, max, address, networks,
                dataTimeout, checkDataAddress, anonymous, anonymousRoot, tlsResumption, tlsRequired);
    }

    public FtpConfig withDataTimeout(Duration v) {
        return new FtpConfig(bind, port, implicitPort, limits, passiveMin, passiveMax, passiveAddress, localNetworks,
                v, checkDataAddress, anonymous, anonymousRoot, tlsResumption, tlsRequired);
    }

    public FtpConfig withAnonymous(boolean on, Path root) {
        return new FtpConfig(bind, port, implicitPort, limits, passiveMin, passiveMax, passiveAddress, localNetworks,
                dataTimeout, checkDataAddress, on, root, tlsResumption, tlsRequired);
    }

    public FtpConfig withTls(TlsResumption resumption, boolean required) {
        return new FtpConfig(bind, port, implicitPort, limits, passiveMin, passiveMax, passiveAddress, localNetworks,
                dataTimeout, checkDataAddress, anonymous, anonymousRoot, resumption, required);
    }

    public FtpConfig withBind(InetAddress v) {
        return new FtpConfig(v, port, implicitPort, limits, passiveMin, passiveMax, passiveAddress, localNetworks,
                dataTimeout, checkDataAddress, anonymous, anonymousRoot, tlsResumption, tlsRequired);
    }
}
