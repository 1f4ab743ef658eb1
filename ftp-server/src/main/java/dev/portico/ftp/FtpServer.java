package dev.portico.ftp;

import dev.portico.core.ConfigException;
import dev.portico.core.LineServer;
import dev.portico.core.Services;
import dev.portico.core.tls.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The FTP server (RFC 959 with RFC 2389, 2428, 2640, 3659 and 4217): a control listener on
 * {@code ftp.port} and, when {@code ftp.implicit-port} is set, an implicit FTPS listener. Each
 * connection is an {@link FtpSession} on its own virtual thread.
 */
public final class FtpServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(FtpServer.class);

    private final Services services;
    private final FtpConfig config;
    private final PassivePorts passivePorts;
    private final List<Cidr> localNetworks;
    private final Path anonymousRoot;
    private InetAddress passiveAddress;
    private LineServer plain;
    private LineServer implicit;

    /** Nothing is bound until {@link #start()}; listen address is {@code ftp.bind} or {@code services.bindAddress()}. */
    public FtpServer(Services services, FtpConfig config) {
        this.services = services;
        this.config = config;
        this.passivePorts = new PassivePorts(config.passiveMin(), config.passiveMax());
        this.localNetworks = config.localNetworks().stream().map(Cidr::parse).toList();
        this.anonymousRoot = config.anonymousRoot() != null ? config.anonymousRoot() : services.dataDir().resolve("anonymous");
    }

    /** Binds the enabled listeners; returns once they accept. */
    public FtpServer start() throws IOException {
        if (config.passiveAddress() != null) {
            try {
                passiveAddress = InetAddress.getByName(config.passiveAddress());
            } catch (UnknownHostException e) {
                throw new ConfigException("ftp.passive.address", "unknown host " + config.passiveAddress());
            }
            if (!(passiveAddress instanceof Inet4Address)) {
                throw new ConfigException("ftp.passive.address", "PASV can only advertise an IPv4 address");
            }
        }
        if (config.anonymous()) Files.createDirectories(anonymousRoot);
        InetAddress bind = config.bind() != null ? config.bind() : services.bindAddress();
        try {
            if (config.port() >= 0) plain = listener("ftp", bind, config.port(), null);
            if (config.implicitPort() >= 0) implicit = listener("ftps", bind, config.implicitPort(), services.tls());
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    private LineServer listener(String name, InetAddress bind, int port, Tls tls) throws IOException {
        LineServer.Options options = new LineServer.Options(name, new InetSocketAddress(bind, port), config.limits(),
                FtpReplies.REFUSED.toString(), FtpReplies.SHUTDOWN.toString(), tls);
        LineServer server = new LineServer(options, c -> new FtpSession(c, services, config, this).serve(),
                services.sessions(), services.logins()).start();
        log.info("{} listening on {}", name, server.address());
        return server;
    }

    /** The control port, or -1 when that listener is off. */
    public int port() {
        return plain != null ? plain.port() : -1;
    }

    /** The implicit FTPS port, or -1 when off. */
    public int implicitPort() {
        return implicit != null ? implicit.port() : -1;
    }

    /** "ftp" and, when enabled, "ftps", with their bound addresses. */
    public Map<String, InetSocketAddress> listeners() {
        Map<String, InetSocketAddress> m = new LinkedHashMap<>();
        if (plain != null) m.put("ftp", plain.address());
        if (implicit != null) m.put("ftps", implicit.address());
        return m;
    }

    public FtpConfig config() {
        return config;
    }

    PassivePorts passivePorts() {
        return passivePorts;
    }

    Path anonymousRoot() {
        return anonymousRoot;
    }

    /**
     * The address a PASV reply shows this client: the configured public one, unless the client is
     * in a local network (or none is configured), which gets the control connection's own address.
     */
    InetAddress advertisedAddress(InetAddress client, InetAddress local) {
        if (passiveAddress == null) return local;
        for (Cidr c : localNetworks) {
            if (c.contains(client)) return local;
        }
        return passiveAddress;
    }

    /** Stops both listeners: idle sessions at once, transfers within the shutdown grace. */
    @Override
    public void close() {
        if (implicit != null) implicit.close();
        if (plain != null) plain.close();
    }
}
