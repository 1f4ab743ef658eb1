package dev.portico.ftp;

import dev.portico.core.CommandSession;
import dev.portico.core.Listeners;
import dev.portico.core.Listening;
import dev.portico.core.PlatformThreads;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.fs.FileStores;
import dev.portico.core.tls.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The FTP server (RFC 959 with RFC 2389, 2428, 2640, 3659 and 4217): a control listener
 * {@code ftp} on {@code ftp.port} and, when {@code ftp.implicit-port} is set, an implicit FTPS
 * listener {@code ftps}. Each connection is an {@link FtpSession} on a thread of its own ({@link dev.portico.core.LineServer}).
 */
public final class FtpServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(FtpServer.class);

    /**
     * How the temporary file of an upload in progress is named (next to its target, hidden from
     * listings, renamed into place after the last byte). One that exists while no server runs
     * was left by a crash: the launcher removes them at start. A client cannot name a file so.
     */
    public static final String UPLOAD_PREFIX = FileStores.UPLOAD_PREFIX;

    /**
     * What the FTP server takes from the objects the launcher shares between servers.
     *
     * @param listening the shared listen address, session registry and accept filter
     * @param tls       the identity for AUTH TLS, PROT P data connections and the implicit listener
     * @param logins    checks USER/PASS and counts failures towards bans
     * @param files     users' homes and the read-only anonymous root
     */
    public record Shared(Listening listening, Tls tls, LoginGuard logins, FileStores files) {}

    private final FtpConfig config;
    private final Shared shared;
    private final PassivePorts passive;
    private final Listeners listeners;
    /**
     * The platform threads binary downloads run on ({@link Transfer#start}), not capped. Idle ones
     * wait a while for the next transfer: a new thread per transfer cost a {@code clone}, a stack
     * mapping and its teardown for every small RETR.
     */
    private final PlatformThreads transferThreads = new PlatformThreads("ftp-data-idle", Integer.MAX_VALUE);

    /** Nothing is bound until {@link #start()}; listen address is {@code ftp.bind} or the shared one. */
    public FtpServer(FtpConfig config, Shared shared) {
        this.config = config;
        this.shared = shared;
        this.listeners = new Listeners(shared.listening(), config.proxyProtocol());
        this.passive = new PassivePorts(config, listeners.proxy());
    }

    /** Binds the enabled listeners; returns once they accept. When one fails, none is left open. */
    public FtpServer start() throws IOException {
        // made at start, through the same factory as at login, so an admin sees where to put files
        if (config.anonymous()) shared.files().readOnly(config.anonymousRoot());
        listen("ftp", config.port(), null);
        listen("ftps", config.implicitPort(), shared.tls());
        return this;
    }

    private void listen(String name, OptionalInt port, Tls implicitTls) throws IOException {
        listeners.start(name, config.bind(), port, config.limits(), FtpReplies.REFUSED.toString(),
                FtpReplies.SHUTDOWN.toString(), implicitTls,
                (CommandSession.Opener) c -> new FtpSession(c, config, shared, passive, transferThreads).open());
        if (port.isPresent()) log.info("{} listening on {}", name, listeners.addresses().get(name));
    }

    /** The control port, or -1 when that listener is off. */
    public int port() {
        return listeners.port("ftp");
    }

    /** The implicit FTPS port, or -1 when off. */
    public int implicitPort() {
        return listeners.port("ftps");
    }

    /** "ftp" and, when enabled, "ftps", with their bound addresses. */
    public Map<String, InetSocketAddress> listeners() {
        return listeners.addresses();
    }

    public FtpConfig config() {
        return config;
    }

    /** Stops both listeners: idle sessions at once, transfers within the shutdown grace. */
    @Override
    public void close() {
        listeners.close();
        transferThreads.close();
    }
}
