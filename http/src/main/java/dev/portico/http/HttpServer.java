package dev.portico.http;

import dev.portico.core.Listening;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.auth.UserDirectory;
import dev.portico.core.fs.FileStores;
import dev.portico.core.mail.MailDomains;
import dev.portico.core.mail.MailStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP listener ({@code http.port}, off by default): a JSON API over the users, mailboxes,
 * files and sessions the protocol servers share, for tests written in any language, plus
 * {@code /health} and {@code /ready} for whoever runs the process, and the administrators' status
 * page ({@code /status}, {@link StatusPage}). It runs on the JDK's
 * {@code com.sun.net.httpserver.HttpServer} with a virtual thread per request, and reads and
 * changes everything through the same core interfaces the protocols use, so what a test sees
 * through it is what an FTP or POP3 client sees. The API is described in {@code docs/http-api.yaml}.
 *
 * <p>The API has no login of its own (the status page has): it listens on 127.0.0.1 unless
 * {@code http.bind} says otherwise, answers only to {@code localhost} and IP addresses there (so a
 * web page cannot reach it by DNS rebinding), and takes an optional bearer token ({@code http.token}).
 */
public final class HttpServer implements Closeable {

    /** One listener of the process, as {@code /ready} reports it. */
    public record ListenerState(String name, InetSocketAddress address, boolean accepting) {
        public ListenerState {
            Objects.requireNonNull(name);
            Objects.requireNonNull(address);
        }
    }

    /**
     * What the HTTP listener shares with the rest of the process.
     *
     * @param listening default listen address, the session registry ({@code /api/v1/sessions}) and
     *                  the accept filter (a banned address is refused here too)
     * @param users     the users; the API lists and adds them
     * @param mail      the mailboxes it lists, reads and empties
     * @param domains   the local mail domains, for the addresses it shows
     * @param files     the users' homes it reads and writes, jailed as for FTP
     * @param listeners every listener of the process at the time of asking, for {@code /ready}
     * @param dataDir   the data folder that {@code /ready} checks is writable, or null for none
     * @param logins    the status page's logins go through it, and it holds the bans the page lists and lifts
     * @param activity  the recent transfers and messages the status page lists (an observer of {@code listening}'s events)
     */
    public record Shared(Listening listening, UserDirectory users, MailStore mail, MailDomains domains,
                         FileStores files, Supplier<List<ListenerState>> listeners, Path dataDir,
                         LoginGuard logins, RecentActivity activity) {
        public Shared {
            Objects.requireNonNull(listening);
            Objects.requireNonNull(logins);
            Objects.requireNonNull(activity);
            Objects.requireNonNull(users);
            Objects.requireNonNull(mail);
            Objects.requireNonNull(domains);
            Objects.requireNonNull(files);
            Objects.requireNonNull(listeners);
        }
    }

    /** The name of this listener in {@code Portico.listeners()} and the start-up line. */
    public static final String LISTENER = "http";
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final HttpConfig config;
    private final Shared shared;
    private final HttpApi api;
    private com.sun.net.httpserver.HttpServer server;
    private ExecutorService executor;
    private InetSocketAddress address;

    public HttpServer(HttpConfig config, Shared shared) {
        this.config = Objects.requireNonNull(config);
        this.shared = Objects.requireNonNull(shared);
        this.api = new HttpApi(config, shared);
    }

    /** Binds {@code http.port} (which must be set) and returns once it accepts. */
    public HttpServer start() throws IOException {
        if (server != null) throw new IllegalStateException("started already");
        if (config.port().isEmpty()) throw new IllegalStateException("http.port is off");
        InetSocketAddress want = new InetSocketAddress(
                config.bind() != null ? config.bind() : shared.listening().bindAddress(), config.port().getAsInt());
        boundRequestTime(config.requestTimeout());
        com.sun.net.httpserver.HttpServer s = com.sun.net.httpserver.HttpServer.create();
        try {
            s.bind(want, 128);
        } catch (BindException e) {
            s.stop(0);   // the unbound server holds a channel, a selector and a timer thread already
            throw new BindException(LISTENER + ": cannot listen on " + want.getAddress().getHostAddress() + ":"
                    + want.getPort() + ": " + e.getMessage());
        }
        // known before the first request can arrive
        api.loopbackOnly(s.getAddress().getAddress().isLoopbackAddress());
        executor = Executors.newVirtualThreadPerTaskExecutor();
        s.setExecutor(executor);
        s.createContext("/", api::handle);
        s.start();
        Thread.ofVirtual().name("http-status-sampler").start(api::sampleForStatus);
        server = s;
        address = s.getAddress();
        log.debug("{} listening on {}", LISTENER, address);
        return this;
    }

    /** The JDK's one bound on reading a request; see {@link #boundRequestTime}. */
    static final String MAX_REQ_TIME = "sun.net.httpserver.maxReqTime";

    /**
     * Bounds the time a client may take to send a request, headers and body, to
     * {@code http.request-timeout}; a slower one (a client dribbling its headers to hold a
     * connection) is disconnected. The JDK's server reads a request before any handler runs and
     * has no timeout of its own on that read; its one bound is the system property
     * {@value #MAX_REQ_TIME} (whole seconds), read once per JVM, when its first server is made.
     * So it is set here, before this process's first server, unless someone set it already: a
     * {@code -D} on the command line wins, and a later server asking for another value gets the
     * first one (logged). Accepted because the property only ever bounds reading a request, so
     * another JDK HTTP server in the same JVM (an embedder's) gains the same protection; an
     * embedder that made its own JDK HTTP server before Portico's keeps whatever it had then.
     */
    private static void boundRequestTime(Duration timeout) {
        if (timeout.isZero()) return;
        String seconds = Long.toString(timeout.plusMillis(999).toSeconds());
        synchronized (HttpServer.class) {
            String had = System.getProperty(MAX_REQ_TIME);
            if (had == null) {
                System.setProperty(MAX_REQ_TIME, seconds);
            } else if (!had.equals(seconds)) {
                log.warn("{}: http.request-timeout={}s is not applied: this JVM has {}={} already (one value per JVM)",
                        LISTENER, seconds, MAX_REQ_TIME, had);
            }
        }
    }

    /** The bound port, or -1 before {@link #start()}. */
    public int port() {
        return address == null ? -1 : address.getPort();
    }

    /** Requests being handled now (tests wait for one to be under way). */
    int runningRequests() {
        return api.running();
    }

    /** {@code http} → bound address, once started. */
    public Map<String, InetSocketAddress> listeners() {
        return address == null ? Map.of() : Map.of(LISTENER, address);
    }

    /**
     * Stops: new requests get 503 at once, waiting requests ({@code count=}) end, running ones get
     * up to {@code http.shutdown-grace} to finish; then every connection is closed.
     */
    @Override
    public void close() {
        if (server == null) return;
        api.stop(config.shutdownGrace());
        server.stop(0);
        executor.close();
        server = null;
    }
}
