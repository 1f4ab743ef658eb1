package dev.portico.server;

import dev.portico.core.Descriptors;
import dev.portico.core.Events;
import dev.portico.core.Leftovers;
import dev.portico.core.Limits;
import dev.portico.core.Listening;
import dev.portico.core.ProxyProtocol;
import dev.portico.core.SessionRegistry;
import dev.portico.core.Settings;
import dev.portico.core.WireTap;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.auth.PasswordHash;
import dev.portico.core.auth.UserDirectory;
import dev.portico.core.echo.EchoServer;
import dev.portico.core.fs.FileStores;
import dev.portico.core.fs.LocalFileStores;
import dev.portico.core.mail.MailDomains;
import dev.portico.core.mail.MaildirMailStore;
import dev.portico.core.tls.Tls;
import dev.portico.core.TlsConfig;
import dev.portico.ftp.FtpConfig;
import dev.portico.ftp.FtpServer;
import dev.portico.http.HttpConfig;
import dev.portico.http.HttpServer;
import dev.portico.http.RecentActivity;
import dev.portico.http.PrometheusMetrics;
import dev.portico.imap.ImapConfig;
import dev.portico.imap.ImapServer;
import dev.portico.pop3.Pop3Config;
import dev.portico.pop3.Pop3Server;
import dev.portico.smtp.DeliveryHandler;
import dev.portico.smtp.SmtpConfig;
import dev.portico.smtp.SmtpServer;
import dev.portico.smtp.relay.QueueStore;
import dev.portico.smtp.relay.RelayConfig;
import dev.portico.smtp.relay.RelayDelivery;
import dev.portico.smtp.dkim.Dkim;
import dev.portico.smtp.dkim.DkimConfig;
import dev.portico.telnet.TelnetConfig;
import dev.portico.telnet.TelnetServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * All of Portico in one object, and the one place where the process is wired: it reads every
 * server's configuration, refuses unknown keys, opens the data folder, builds the objects the
 * servers share (users and their login guard, the session registry, the TLS identity, the mail
 * store, the file stores) once, hands each server only what it uses, and stops them all. The
 * launcher ({@code app}) and the test toolkit ({@code portico-junit}) use it, and so can any program
 * that embeds Portico:
 *
 * <pre>{@code
 * try (Portico p = Portico.start(Settings.of("data", tmp.toString(),
 *         "ftp.port", "0", "smtp.port", "0", "pop3.port", "0", "telnet.port", "0"))) {
 *     int ftp = p.port("ftp");
 * }
 * }</pre>
 *
 * <p>{@link #builder(Settings)} swaps single pieces without copying the wiring: the users, the TLS
 * identity, the SMTP delivery handler, the file stores, a {@link WireTap} on every session. This
 * module depends on no logging backend and no command-line library, so whatever embeds it keeps
 * its own logging configuration.
 */
public final class Portico implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Portico.class);
    /** maildir(5): a file in tmp/ untouched for 36 hours is garbage; a delivery in progress is younger. */
    static final Duration MAILDIR_TMP_AGE = Duration.ofHours(36);

    /** Every server's configuration, read before anything binds. */
    private record Configs(TelnetConfig telnet, FtpConfig ftp, SmtpConfig smtp, RelayConfig relay, Pop3Config pop3,
                           ImapConfig imap, OptionalInt echoPort, Limits echoLimits, HttpConfig http, ActivityLogConfig logs) {
        static Configs from(Settings s) {
            return new Configs(TelnetConfig.from(s), FtpConfig.from(s), SmtpConfig.from(s), RelayConfig.from(s), Pop3Config.from(s),
                    ImapConfig.from(s),
                    s.port("echo.port", OptionalInt.empty()), Limits.from(s, "echo", Limits.DEFAULT), HttpConfig.from(s),
                    ActivityLogConfig.from(s));
        }
    }

    /** The process-wide keys, read before anything is built. */
    private record Process(int iterations, LoginGuard.Policy policy, MailDomains domains, TlsConfig tls,
                           InetAddress bind, ProxyProtocol proxy, DkimConfig dkim) {
        static Process from(Settings s) throws IOException {
            int iterations = s.integer("users.hash-iterations", PasswordHash.DEFAULT_ITERATIONS);
            LoginGuard.Policy policy = LoginGuard.Policy.from(s);
            MailDomains domains = new MailDomains(s.list("domain", List.of("localhost")));
            TlsConfig tls = TlsConfig.from(s);
            InetAddress bind = s.address("bind", InetAddress.getByName("127.0.0.1"));
            ProxyProtocol proxy = ProxyProtocol.from(s, "proxy-protocol.from", ProxyProtocol.OFF);
            s.string("data", null);
            DkimConfig dkim = DkimConfig.from(s);
            return new Process(iterations, policy, domains, tls, bind, proxy, dkim);
        }
    }

    private final UserDirectory users;
    private final LoginGuard logins;
    private final Listening listening;
    private final Tls tls;
    /** Polls the configured certificate files; a no-op when there are none. */
    private final Closeable tlsReload;
    private final MaildirMailStore mail;
    private final MailDomains domains;
    private final LocalFileStores localFiles;
    private final FileStores files;
    private final UnaryOperator<DeliveryHandler> delivery;
    /** Signs mail that leaves; reads or generates a key only on the first message of its domain. */
    private final Dkim dkim;
    private final Path dataDir;
    /** The status page's recent transfers and messages; null while the HTTP listener is off. */
    private final RecentActivity activity;
    /** What {@code /metrics} serves; null while the HTTP listener is off (Micrometer is not even loaded then). */
    private final PrometheusMetrics metrics;
    /** The activity log files ({@code log.xferlog}, {@code log.maillog}), closed after the servers. */
    private final List<Closeable> logFiles = new ArrayList<>();
    private final List<Closeable> servers = new ArrayList<>();
    private final Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();
    /** Set when {@link #close()} begins: from then on no listener counts as accepting ({@code /ready}). */
    private volatile boolean closing;
    /** The background read (or first generation) of the TLS identity; null once there is none to wait for. */
    private volatile Thread tlsLoad;
    /** The background removal of what a crash left ({@link #removeCrashLeftovers}); null before it starts. */
    private volatile Thread leftovers;

    private Portico(Path dataDir, Settings s, Builder b, Configs c) throws IOException {
        this.dataDir = dataDir;
        // Every key is read here, before anything is opened, so that Settings.requireAllKnown() sees them all.
        Process k = Process.from(s);
        s.requireAllKnown();
        this.domains = k.domains();

        // One look instead of createDirectories' failed mkdir and its exception: the test toolkit hands over a made folder.
        if (!Files.isDirectory(dataDir)) Files.createDirectories(dataDir);
        this.users = b.users != null ? b.users : new FileUserDirectory(usersFile(dataDir), new PasswordHash(k.iterations()));
        // Every observer of what the sessions do, told through one fan-out that the login guard
        // (logins, bans) and the listeners (TLS, transfers, mail) share.
        SessionRegistry sessions = new SessionRegistry();
        List<Events> observers = new ArrayList<>();
        this.activity = c.http().enabled() ? new RecentActivity() : null;
        if (activity != null) observers.add(activity);
        this.metrics = c.http().enabled() ? new PrometheusMetrics(sessions, this::activeBans) : null;
        if (metrics != null) observers.add(metrics);
        try {
            if (c.logs().xferlog() != null) observers.add(keep(new XferLog(LogFile.open(dataDir.resolve(c.logs().xferlog())),
                    ZoneId.systemDefault())));
            if (c.logs().maillog() != null) observers.add(keep(new MailLog(LogFile.open(dataDir.resolve(c.logs().maillog())),
                    ZoneId.systemDefault(), SmtpServer.hostname(c.smtp(), domains))));
        } catch (IOException e) {
            closeLogs();
            throw new IOException("cannot open an activity log file (log.xferlog, log.maillog): " + e, e);
        }
        Events events = Events.all(observers);
        this.logins = new LoginGuard(users, k.policy(), events);
        this.listening = new Listening(k.bind(), sessions, logins, events, k.proxy());
        log.info("open-file limit {}: up to {} sessions for all servers together, {} per server unless max-sessions says otherwise",
                Descriptors.limit(), listening.sessions().pool(), Descriptors.defaultMaxSessions());
        if (b.wireTap != null) listening.sessions().tap(b.wireTap);
        if (b.tls != null) {
            this.tls = b.tls;
        } else {
            // logged by loadInBackground once the listeners are up (the generated one is read only then)
            this.tls = k.tls().open(tlsDir(dataDir), domains.names());
        }
        this.mail = new MaildirMailStore(dataDir.resolve("mail"));
        this.localFiles = new LocalFileStores(dataDir.resolve("files"));
        this.files = Objects.requireNonNull(b.files.apply(localFiles), "files");
        this.delivery = b.delivery;
        this.dkim = new Dkim(k.dkim(), Dkim.dir(dataDir), domains);
        // Last: nothing after it can fail and leave the poller running without a Portico to close it.
        this.tlsReload = b.tls != null ? () -> {} : k.tls().watch(tls);
    }

    /**
     * Reads every server's configuration from {@code settings} (an unknown key is an error naming
     * the nearest known one), opens {@code data} (default {@code ./data}) and starts every server
     * whose ports are not all {@code off}.
     */
    public static Portico start(Settings settings) throws IOException {
        return builder(settings).start();
    }

    /**
     * Reads every key as {@link #start} does, binding and writing nothing: a
     * {@link dev.portico.core.ConfigException} names a bad value or an unknown key (with the nearest
     * known one), so a tool can refuse a configuration before it needs it.
     */
    public static void check(Settings settings) throws IOException {
        Configs.from(settings);
        Process.from(settings);
        settings.requireAllKnown();
    }

    /**
     * The TLS identity these settings give, as a start would open it (generating the self-signed
     * one in the data folder when no files are configured and it is missing), after checking every
     * key as {@link #check} does: what {@code portico tls show} prints.
     */
    public static Tls openTls(Settings settings) throws IOException {
        Configs.from(settings);
        Process k = Process.from(settings);
        settings.requireAllKnown();
        return k.tls().open(tlsDir(Path.of(settings.string("data", "data"))), k.domains().names());
    }

    /**
     * The DKIM signing these settings give, after checking every key as {@link #check} does: what
     * {@code portico dkim show} prints the DNS records of.
     */
    public static Dkim openDkim(Settings settings) throws IOException {
        Configs.from(settings);
        Process k = Process.from(settings);
        settings.requireAllKnown();
        return new Dkim(k.dkim(), Dkim.dir(Path.of(settings.string("data", "data"))), k.domains());
    }

    private static Path tlsDir(Path dataDir) {
        return dataDir.resolve("tls");
    }

    /** A Portico of these settings whose pieces can be swapped before {@link Builder#start()}. */
    public static Builder builder(Settings settings) {
        return new Builder(settings);
    }

    /**
     * Pieces an embedder puts in place of the ones {@link Portico} builds from the settings. Each
     * is optional; the configuration keys are read and checked either way.
     */
    public static final class Builder {
        private final Settings settings;
        private UserDirectory users;
        private Tls tls;
        private UnaryOperator<DeliveryHandler> delivery = UnaryOperator.identity();
        private UnaryOperator<FileStores> files = UnaryOperator.identity();
        private WireTap wireTap;

        private Builder(Settings settings) {
            this.settings = Objects.requireNonNull(settings);
        }

        /** The users of every server, instead of {@code DATA/users} (an in-memory set, a directory that takes any login). */
        public Builder users(UserDirectory users) {
            this.users = users;
            return this;
        }

        /**
         * The TLS identity of every server, instead of {@code tls.certificate}, {@code tls.keystore}
         * or the one generated in {@code DATA/tls}; Portico polls no files for it.
         */
        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Wraps or replaces the SMTP delivery handler: the function gets the one {@code smtp.delivery}
         * names ({@link SmtpServer#defaultDelivery}) and returns the one the server uses.
         */
        public Builder delivery(UnaryOperator<DeliveryHandler> delivery) {
            this.delivery = Objects.requireNonNull(delivery);
            return this;
        }

        /** Wraps or replaces the file stores FTP and the shell use; the function gets the local ones under {@code DATA/files}. */
        public Builder files(UnaryOperator<FileStores> files) {
            this.files = Objects.requireNonNull(files);
            return this;
        }

        /** Shows every session's traffic to {@code tap} (wire transcripts). */
        public Builder wireTap(WireTap tap) {
            this.wireTap = tap;
            return this;
        }

        /** Reads the configuration, builds the shared objects and starts the servers; see {@link Portico#start(Settings)}. */
        public Portico start() throws IOException {
            Configs configs = Configs.from(settings);
            Portico p = new Portico(Path.of(settings.string("data", "data")), settings, this, configs);
            try {
                p.startAll(configs);
                // Only now, so that reading the keystore (or generating it on a first start) never delays a listener.
                p.tlsLoad = p.tls.loadInBackground();
                // Likewise the walk over every home and Maildir: its time grows with the data folder.
                p.leftovers = Thread.ofVirtual().name("crash-leftovers").start(() -> p.removeCrashLeftovers(configs));
            } catch (IOException | RuntimeException e) {
                p.close();
                throw e;
            }
            return p;
        }
    }

    /** Where the data folder keeps the outbound mail queue ({@code portico queue} reads it too). */
    public static Path queueDir(Path dataDir) {
        return dataDir.resolve("queue");
    }

    /** Where the data folder keeps its credentials. */
    public static Path usersFile(Path dataDir) {
        return dataDir.resolve("users");
    }

    /**
     * One block per server, each started only when one of its ports is on. A further listener
     * (the HTTP API next) is one more block here: its config record joins {@link Configs}, its
     * {@code Shared} record is built from the fields above, and {@link #add} records its
     * listeners, which the launcher prints and {@link #port} finds.
     */
    private void startAll(Configs c) throws IOException {
        if (c.telnet().port().isPresent()) {
            TelnetServer t = new TelnetServer(c.telnet(),
                    new TelnetServer.Shared(listening, logins, files, mail, domains, users, new QueueStore(queueDir(dataDir))));
            add(t, t.start().listeners());
        }
        if (c.ftp().port().isPresent() || c.ftp().implicitPort().isPresent()) {
            FtpServer f = new FtpServer(c.ftp(), new FtpServer.Shared(listening, tls, logins, files));
            add(f, f.start().listeners());
        }
        if (c.smtp().port().isPresent() || c.smtp().submissionPort().isPresent() || c.smtp().implicitPort().isPresent()) {
            SmtpServer.Shared shared = new SmtpServer.Shared(listening, tls, logins, domains, users, mail,
                    dataDir.resolve("tmp").resolve("smtp"));
            // Maildir delivery relays too: mail from sessions that may relay to other domains is
            // queued and sent onward (MX delivery needs no configuration). Not under catch-all, where
            // every domain is local, nor when mail is discarded (benchmarks).
            DeliveryHandler handler;
            if (c.smtp().delivery() == SmtpConfig.Delivery.MAILDIR && !c.smtp().catchAll()) {
                RelayDelivery relay = RelayDelivery.start(c.smtp(), shared, c.relay(), new QueueStore(queueDir(dataDir)),
                        listening.events(), dkim);
                add(relay.queue(), Map.of());
                handler = relay;
            } else {
                handler = SmtpServer.defaultDelivery(c.smtp(), shared);
            }
            SmtpServer m = new SmtpServer(c.smtp(), shared, Objects.requireNonNull(delivery.apply(handler), "delivery"));
            add(m, m.start().listeners());
        }
        if (c.pop3().port().isPresent() || c.pop3().implicitPort().isPresent()) {
            Pop3Server p = new Pop3Server(c.pop3(), new Pop3Server.Shared(listening, tls, logins, mail, domains));
            add(p, p.start().listeners());
        }
        if (c.imap().enabled()) {
            ImapServer i = new ImapServer(c.imap(), new ImapServer.Shared(listening, tls, logins, mail, domains));
            add(i, i.start().listeners());
        }
        if (c.echoPort().isPresent()) {
            EchoServer e = new EchoServer(listening, new InetSocketAddress(listening.bindAddress(), c.echoPort().getAsInt()),
                    c.echoLimits()).start();
            add(e, Map.of("echo", e.address()));
        }
        // Last, so that when it answers /ready every other listener is bound already.
        if (c.http().enabled()) {
            synchronized (listeners) {
                metrics.protocols(listeners.keySet());
            }
            HttpServer h = new HttpServer(c.http(), new HttpServer.Shared(listening, users, mail, domains, files,
                    this::listenerStates,
                    dataDir, logins, activity, metrics));
            add(h, h.start().listeners());
        }
    }

    /**
     * Removes what a crash left in the data folder: FTP upload temporaries in every home and the
     * anonymous root, and Maildir {@code tmp/} files older than {@link #MAILDIR_TMP_AGE}. Once for
     * the whole process, whichever servers run (not in {@code FtpServer.start}, and the Maildirs
     * also when SMTP is off), on a thread of its own once the listeners are up: the walk takes as
     * long as the data folder is large (50 ms for 5,000 files in a cold JVM), and nothing of this
     * process can be hit by it. This process's upload temporaries carry its own token
     * ({@code FileStores.uploadPrefix()}), which the walk leaves alone, and a delivery's Maildir
     * {@code tmp/} file is hours younger than the age limit. The stores do the walking because they
     * know their layout; Portico decides when. A failure only logs. {@link #close} waits for it.
     */
    private void removeCrashLeftovers(Configs c) {
        Leftovers uploads = Leftovers.NONE, mailTmp = Leftovers.NONE;
        try {
            uploads = localFiles.removeLeftovers(FtpServer.UPLOAD_PREFIX, List.of(c.ftp().anonymousRoot()));
        } catch (IOException e) {
            log.warn("cannot remove FTP upload leftovers: {}", e.toString());
        }
        try {
            mailTmp = mail.removeStaleTemporaries(MAILDIR_TMP_AGE);
        } catch (IOException e) {
            log.warn("cannot remove stale Maildir tmp/ files: {}", e.toString());
        }
        if (uploads.files() + mailTmp.files() > 0) {
            log.info("removed what a crash left: {} FTP upload temporaries ({} bytes), {} Maildir tmp/ files older than {} h ({} bytes)",
                    uploads.files(), uploads.bytes(), mailTmp.files(), MAILDIR_TMP_AGE.toHours(), mailTmp.bytes());
        }
    }

    private void add(Closeable server, Map<String, InetSocketAddress> bound) {
        servers.add(server);
        synchronized (listeners) {   // the HTTP listener's /ready reads it from its own threads
            listeners.putAll(bound);
        }
    }

    /** Every listener for {@code /ready}: each accepts from its start until {@link #close()} begins. */
    private List<HttpServer.ListenerState> listenerStates() {
        synchronized (listeners) {
            return listeners.entrySet().stream()
                    .map(l -> new HttpServer.ListenerState(l.getKey(), l.getValue(), !closing)).toList();
        }
    }

    /** The users every server shares: {@code DATA/users}, or the directory given to the builder. */
    public UserDirectory users() {
        return users;
    }

    /** The data folder. */
    public Path dataDir() {
        return dataDir;
    }

    /** The TLS identity every server presents. */
    public Tls tls() {
        return tls;
    }

    /** The mail domains delivered here. */
    public MailDomains domains() {
        return domains;
    }

    /** The file stores FTP and the shell use (as the builder may have wrapped them). */
    public FileStores files() {
        return files;
    }

    /** DKIM signing of the mail that leaves ({@code dkim.*}), for the relay. */
    public Dkim dkim() {
        return dkim;
    }

    /** The Maildir store every mail server delivers to and reads from. */
    public MaildirMailStore mail() {
        return mail;
    }

    /** Every live session of every server. */
    public SessionRegistry sessions() {
        return listening.sessions();
    }

    /** Every listener by name ("ftp", "ftps", "smtp", "submission", …) and the address it is bound to. */
    public Map<String, InetSocketAddress> listeners() {
        return Collections.unmodifiableMap(listeners);
    }

    /** The bound port of a listener. */
    public int port(String listener) {
        InetSocketAddress a = listeners.get(listener);
        if (a == null) throw new IllegalArgumentException("no listener " + listener + "; have " + listeners.keySet());
        return a.getPort();
    }

    /** Stops every server at once, each within its own grace period, and waits for all. */
    @Override
    public void close() {
        closing = true;
        // A first start may still be writing the generated keystore into the data folder: a close
        // that returned before it ended would let the caller remove or reuse a folder in use.
        // Likewise the walk removing what a crash left.
        for (Thread background : new Thread[] {tlsLoad, leftovers}) {
            if (background == null) continue;
            try {
                background.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            tlsReload.close();
        } catch (IOException e) {
            log.warn("stopping the TLS reload failed: {}", e.toString());
        }
        List<Thread> stopping = new ArrayList<>();
        // The last server is stopped on this thread, the others beside it: one thread fewer to
        // start and wait for (a test toolkit stops a Portico after every test).
        for (int i = 0; i < servers.size() - 1; i++) {
            Closeable server = servers.get(i);
            stopping.add(Thread.ofVirtual().start(() -> stop(server)));
        }
        if (!servers.isEmpty()) stop(servers.get(servers.size() - 1));
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        servers.clear();
        if (metrics != null) metrics.close();
        closeLogs();
    }

    /** For the metrics, which are built before the login guard that they observe. */
    private int activeBans() {
        return logins.bans().size();
    }

    private <T extends Closeable> T keep(T logFile) {
        logFiles.add(logFile);
        return logFile;
    }

    private void closeLogs() {
        for (Closeable f : logFiles) {
            try {
                f.close();
            } catch (IOException e) {
                log.warn("closing an activity log file failed: {}", e.toString());
            }
        }
        logFiles.clear();
    }

    private static void stop(Closeable server) {
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            log.warn("stopping a server failed: {}", e.toString());
        }
    }
}
