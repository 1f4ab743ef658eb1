package dev.portico.app;

import dev.portico.core.Leftovers;
import dev.portico.core.Limits;
import dev.portico.core.Listening;
import dev.portico.core.SessionRegistry;
import dev.portico.core.Settings;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.auth.PasswordHash;
import dev.portico.core.echo.EchoServer;
import dev.portico.core.fs.LocalFileStores;
import dev.portico.core.mail.MailDomains;
import dev.portico.core.mail.MailStore;
import dev.portico.core.mail.MaildirMailStore;
import dev.portico.core.tls.Tls;
import dev.portico.ftp.FtpConfig;
import dev.portico.ftp.FtpServer;
import dev.portico.http.HttpConfig;
import dev.portico.http.HttpServer;
import dev.portico.pop3.Pop3Config;
import dev.portico.pop3.Pop3Server;
import dev.portico.smtp.SmtpConfig;
import dev.portico.smtp.SmtpServer;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * All of Portico in one object, and the one place where the process is wired: it reads every
 * server's configuration, refuses unknown keys, opens the data folder, builds the objects the
 * servers share (users and their login guard, the session registry, the TLS identity, the mail
 * store, the file stores) once, hands each server only what it uses, and stops them all. The
 * launcher uses it, and so can a test that embeds Portico:
 *
 * <pre>{@code
 * try (Portico p = Portico.start(Settings.of("data", tmp.toString(),
 *         "ftp.port", "0", "smtp.port", "0", "pop3.port", "0", "telnet.port", "0"))) {
 *     int ftp = p.port("ftp");
 * }
 * }</pre>
 */
public final class Portico implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Portico.class);
    /** maildir(5): a file in tmp/ untouched for 36 hours is garbage; a delivery in progress is younger. */
    static final Duration MAILDIR_TMP_AGE = Duration.ofHours(36);

    /** Every server's configuration, read before anything binds. */
    private record Configs(TelnetConfig telnet, FtpConfig ftp, SmtpConfig smtp, Pop3Config pop3, OptionalInt echoPort,
                           Limits echoLimits, HttpConfig http) {
        static Configs from(Settings s) {
            return new Configs(TelnetConfig.from(s), FtpConfig.from(s), SmtpConfig.from(s), Pop3Config.from(s),
                    s.port("echo.port", OptionalInt.empty()), Limits.from(s, "echo", Limits.DEFAULT), HttpConfig.from(s));
        }
    }

    private final FileUserDirectory users;
    private final LoginGuard logins;
    private final Listening listening;
    private final Tls tls;
    private final MaildirMailStore mail;
    private final MailDomains domains;
    private final LocalFileStores files;
    private final Path dataDir;
    private final List<Closeable> servers = new ArrayList<>();
    private final Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();
    /** Set when {@link #close()} begins: from then on no listener counts as accepting ({@code /ready}). */
    private volatile boolean closing;

    private Portico(Path dataDir, Settings s) throws IOException {
        this.dataDir = dataDir;
        // Every key is read here, before the slow part (a first start generates a certificate),
        // so that Settings.requireAllKnown() sees them all.
        int iterations = s.integer("users.hash-iterations", PasswordHash.DEFAULT_ITERATIONS);
        LoginGuard.Policy policy = LoginGuard.Policy.from(s);
        this.domains = new MailDomains(s.list("domain", List.of("localhost")));
        String keystore = s.string("tls.keystore", null);
        char[] keystorePassword = s.string("tls.keystore-password", "").toCharArray();
        InetAddress bind = s.address("bind", InetAddress.getByName("127.0.0.1"));
        s.string("data", null);
        s.requireAllKnown();

        Files.createDirectories(dataDir);
        this.users = new FileUserDirectory(usersFile(dataDir), new PasswordHash(iterations));
        this.logins = new LoginGuard(users, policy);
        this.listening = new Listening(bind, new SessionRegistry(), logins);
        this.tls = keystore != null ? Tls.load(Path.of(keystore), keystorePassword)
                : Tls.selfSigned(dataDir.resolve("tls"), domains.names());
        this.mail = new MaildirMailStore(dataDir.resolve("mail"));
        this.files = new LocalFileStores(dataDir.resolve("files"));
    }

    /**
     * Reads every server's configuration from {@code settings} (an unknown key is an error naming
     * the nearest known one), opens {@code data} (default {@code ./data}) and starts every server
     * whose ports are not all {@code off}.
     */
    public static Portico start(Settings settings) throws IOException {
        Configs configs = Configs.from(settings);
        Portico p = new Portico(Path.of(settings.string("data", "data")), settings);
        try {
            p.startAll(configs);
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** Where the data folder keeps its credentials. */
    public static Path usersFile(Path dataDir) {
        return dataDir.resolve("users");
    }

    private void startAll(Configs c) throws IOException {
        removeCrashLeftovers(c);
        if (c.telnet().port().isPresent()) {
            TelnetServer t = new TelnetServer(c.telnet(),
                    new TelnetServer.Shared(listening, logins, files, mail, domains, users));
            add(t, t.start().listeners());
        }
        if (c.ftp().port().isPresent() || c.ftp().implicitPort().isPresent()) {
            FtpServer f = new FtpServer(c.ftp(), new FtpServer.Shared(listening, tls, logins, files));
            add(f, f.start().listeners());
        }
        if (c.smtp().port().isPresent() || c.smtp().submissionPort().isPresent()) {
            SmtpServer m = new SmtpServer(c.smtp(), new SmtpServer.Shared(listening, tls, logins, domains, users, mail,
                    dataDir.resolve("tmp").resolve("smtp")));
            add(m, m.start().listeners());
        }
        if (c.pop3().port().isPresent() || c.pop3().implicitPort().isPresent()) {
            Pop3Server p = new Pop3Server(c.pop3(), new Pop3Server.Shared(listening, tls, logins, mail, domains));
            add(p, p.start().listeners());
        }
        if (c.echoPort().isPresent()) {
            EchoServer e = new EchoServer(listening, new InetSocketAddress(listening.bindAddress(), c.echoPort().getAsInt()),
                    c.echoLimits()).start();
            add(e, Map.of("echo", e.address()));
        }
        // Last, so that when it answers /ready every other listener is bound already.
        if (c.http().enabled()) {
            HttpServer h = new HttpServer(c.http(), new HttpServer.Shared(listening, users, mail, domains, files,
                    this::listenerStates,
                    dataDir));
            add(h, h.start().listeners());
        }
    }

    /**
     * Removes what a crash left in the data folder: FTP upload temporaries in every home and the
     * anonymous root, and Maildir {@code tmp/} files older than {@link #MAILDIR_TMP_AGE}. Here,
     * before any server starts, is the one moment nothing of this process can be writing them,
     * whichever servers run: an {@code FtpServer.start} would delete the uploads of another FTP
     * server sharing the stores, and the Maildirs are cleaned also when SMTP is off. The stores do
     * the walking because they know their layout; Portico decides when. A failure only logs.
     */
    private void removeCrashLeftovers(Configs c) {
        Leftovers uploads = Leftovers.NONE, mailTmp = Leftovers.NONE;
        try {
            uploads = files.removeLeftovers(FtpServer.UPLOAD_PREFIX, List.of(c.ftp().anonymousRoot()));
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

    /** The users of this data folder; an embedding test adds its users here. */
    public FileUserDirectory users() {
        return users;
    }

    /** The Maildir store every mail server delivers to and reads from. */
    public MailStore mail() {
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
        List<Thread> stopping = new ArrayList<>();
        for (Closeable server : servers) {
            stopping.add(Thread.ofVirtual().start(() -> {
                try {
                    server.close();
                } catch (IOException | RuntimeException e) {
                    log.warn("stopping a server failed: {}", e.toString());
                }
            }));
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        servers.clear();
    }
}
