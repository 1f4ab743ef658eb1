package dev.portico.smtp;

import dev.portico.core.LineServer;
import dev.portico.core.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SMTP server (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES, SMTPUTF8,
 * CHUNKING, STARTTLS and AUTH): a listener on {@code smtp.port} and, when configured, a
 * submission listener on {@code smtp.submission-port} that requires AUTH before MAIL
 * (RFC 6409 4.3). Mail goes to a {@link DeliveryHandler}: the local Maildirs by default.
 *
 * <pre>{@code
 * try (SmtpServer smtp = new SmtpServer(services, SmtpConfig.defaults().withPort(0), captureHandler).start()) {
 *     int port = smtp.port();
 * }
 * }</pre>
 */
public final class SmtpServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);

    private final Services services;
    private final SmtpConfig config;
    private final SmtpEnvironment env;
    private LineServer smtp;
    private LineServer submission;

    /** A server delivering through the handler {@code smtp.delivery} names (Maildir by default). */
    public SmtpServer(Services services, SmtpConfig config) {
        this(services, config, switch (config.delivery()) {
            case MAILDIR -> new LocalDelivery(services);
            case DISCARD -> new DiscardDelivery();
        });
    }

    /** A server delivering through {@code delivery}, for embedding (tests capturing mail in memory). */
    public SmtpServer(Services services, SmtpConfig config, DeliveryHandler delivery) {
        this.services = services;
        this.config = config;
        String hostname = config.hostname() != null ? config.hostname() : services.domains().get(0);
        this.env = new SmtpEnvironment(services, config, delivery, hostname, services.dataDir().resolve("tmp").resolve("smtp"));
    }

    /** Binds the listeners and returns once they accept connections. */
    public SmtpServer start() throws IOException {
        Files.createDirectories(env.spoolDir());
        removeStaleSpoolFiles();
        InetAddress bind = config.bind() != null ? config.bind() : services.bindAddress();
        try {
            if (config.port() != SmtpConfig.OFF) smtp = listener("smtp", bind, config.port(), false);
            if (config.submissionPort() != SmtpConfig.OFF) submission = listener("submission", bind, config.submissionPort(), true);
        } catch (IOException e) {
            close();
            throw e;
        }
        log.info("smtp: accepting mail for {} as {}", services.domains(), env.hostname());
        return this;
    }

    /** Spool files are deleted after each message; only a crash leaves some, and a day later nobody needs them. */
    private void removeStaleSpoolFiles() {
        long dayAgo = System.currentTimeMillis() - 86_400_000L;
        try (var files = Files.newDirectoryStream(env.spoolDir(), "smtp-*.eml")) {
            for (var f : files) {
                if (Files.getLastModifiedTime(f).toMillis() < dayAgo) Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            log.warn("smtp: cannot clean {}: {}", env.spoolDir(), e.toString());
        }
    }

    private LineServer listener(String name, InetAddress bind, int port, boolean submit) throws IOException {
        var options = new LineServer.Options(name, new InetSocketAddress(bind, port), config.limits(),
                SmtpReplies.refusalLine(env.hostname()), SmtpReplies.shutdownLine(env.hostname()), null);
        return new LineServer(options, c -> new SmtpSession(env, c, submit).serve(), services.sessions(),
                services.logins()).start();
    }

    /** The main listener's port, or the submission port when only that one runs; -1 before start. */
    public int port() {
        if (smtp != null) return smtp.port();
        return submission != null ? submission.port() : -1;
    }

    /** The submission listener's port, or -1 when it is off. */
    public int submissionPort() {
        return submission != null ? submission.port() : -1;
    }

    /** Bound listeners by name: {@code smtp} and, when configured, {@code submission}. */
    public Map<String, InetSocketAddress> listeners() {
        Map<String, InetSocketAddress> m = new LinkedHashMap<>();
        if (smtp != null) m.put("smtp", smtp.address());
        if (submission != null) m.put("submission", submission.address());
        return m;
    }

    /** Stops accepting; idle sessions get 421 4.3.2 at once, busy ones after the shutdown grace. */
    @Override
    public void close() {
        if (submission != null) submission.close();
        if (smtp != null) smtp.close();
    }
}
