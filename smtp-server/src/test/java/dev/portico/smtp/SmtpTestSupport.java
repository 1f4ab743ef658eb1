package dev.portico.smtp;

import dev.portico.core.Settings;
import dev.portico.core.mail.Mailbox;
import dev.portico.core.mail.MessageInfo;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The module's test extension: starts a server on an ephemeral port over {@link TestServices}
 * and reads what it delivered. Register it with {@code @RegisterExtension}; the server started
 * by {@link #start} is closed after each test.
 */
final class SmtpTestSupport implements AfterEachCallback, AutoCloseable {

    TestServices services;
    SmtpServer server;

    /** Settings for a test server: a free port ({@code smtp.port=0}) and the given keys and values. */
    static Settings settings(String... keysAndValues) {
        return Settings.of("smtp.port", "0").with(Settings.of(keysAndValues));
    }

    SmtpTestSupport start(Path dir, Settings settings) throws IOException {
        return start(dir, settings, null);
    }

    /**
     * Starts a server (closing one this test started before) with the given handler, or the one
     * {@code smtp.delivery} names if null. A key no config reads fails the test, as it fails the start.
     */
    SmtpTestSupport start(Path dir, Settings settings, DeliveryHandler handler) throws IOException {
        close();
        services = TestServices.create(dir);
        SmtpConfig config = SmtpConfig.from(settings);
        settings.requireAllKnown();
        SmtpServer.Shared shared = new SmtpServer.Shared(services.listening(), services.tls(), services.logins(),
                services.domains(), services.users(), services.mail(), dir.resolve("tmp").resolve("smtp"));
        server = (handler == null ? new SmtpServer(config, shared) : new SmtpServer(config, shared, handler)).start();
        return this;
    }

    int port() {
        return server.port();
    }

    /** A raw client past the greeting and EHLO. */
    RawClient greeted() throws IOException {
        return greeted(port());
    }

    /** A raw client on {@code port} (the submission listener's, say) past the greeting and EHLO. */
    RawClient greeted(int port) throws IOException {
        RawClient c = new RawClient(port);
        c.expect("220 localhost");
        c.send("EHLO client.example");
        c.expect("250 ");
        return c;
    }

    /** Every message in a user's Maildir, oldest first, as stored. */
    List<byte[]> messages(String user) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (Mailbox box = services.mail().open(user, false)) {
            for (MessageInfo m : box.messages()) {
                try (InputStream in = box.content(m.uid())) {
                    out.add(in.readAllBytes());
                }
            }
        }
        return out;
    }

    String onlyMessage(String user) throws IOException {
        List<byte[]> all = messages(user);
        if (all.size() != 1) throw new AssertionError("expected one message for " + user + ", found " + all.size());
        return new String(all.get(0), StandardCharsets.UTF_8);
    }

    /** The stored message without the lines the server put in front (Return-Path, Received, added headers). */
    static String withoutTrace(String stored) {
        String s = stored;
        if (s.startsWith("Return-Path:")) s = s.substring(s.indexOf("\r\n") + 2);
        if (s.startsWith("Received:")) {
            int end = s.indexOf("\r\n");
            while (end >= 0 && end + 2 < s.length() && (s.charAt(end + 2) == '\t' || s.charAt(end + 2) == ' ')) {
                end = s.indexOf("\r\n", end + 2);
            }
            s = s.substring(end + 2);
        }
        return s;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        if (server != null) server.close();
    }
}
