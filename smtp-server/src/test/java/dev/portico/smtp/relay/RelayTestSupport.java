package dev.portico.smtp.relay;

import dev.portico.core.Events;
import dev.portico.core.Reply;
import dev.portico.core.Settings;
import dev.portico.core.mail.Mailbox;
import dev.portico.core.mail.MessageInfo;
import dev.portico.smtp.DeliveryHandler;
import dev.portico.smtp.Envelope;
import dev.portico.smtp.SmtpConfig;
import dev.portico.smtp.SmtpContext;
import dev.portico.smtp.SmtpServer;
import dev.portico.testing.TestServices;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

/**
 * A relaying SMTP server for tests: the module's {@link SmtpServer} over {@link TestServices}
 * (users alice and bob in {@code localhost}), delivering through {@link RelayDelivery} into a
 * {@link RelayQueue} in its folder. And remotes: another SMTP server that records what it gets.
 */
final class RelayTestSupport implements AutoCloseable {

    final TestServices services;
    final RelayQueue queue;
    final SmtpServer server;
    final List<Events.DeliveryAttempt> attempts = new CopyOnWriteArrayList<>();

    /** @param keysAndValues relay keys ({@code smtp.relay.*}, {@code dns.servers}) */
    RelayTestSupport(Path dir, String... keysAndValues) throws IOException {
        this(dir, null, keysAndValues);
    }

    /** @param dkim signs what leaves, or null */
    RelayTestSupport(Path dir, dev.portico.smtp.dkim.Dkim dkim, String... keysAndValues) throws IOException {
        // A folder of its own for the users and Maildirs, so that a second relay on the same queue can start.
        services = TestServices.create(java.nio.file.Files.createTempDirectory(java.nio.file.Files.createDirectories(dir), "services"));
        Settings s = Settings.of("smtp.port", "0", "smtp.auth.plaintext", "true", "smtp.hostname", "relay.test").with(Settings.of(keysAndValues));
        SmtpConfig config = SmtpConfig.from(s);
        RelayConfig relay = RelayConfig.from(s);
        s.requireAllKnown();
        SmtpServer.Shared shared = new SmtpServer.Shared(services.listening(), services.tls(), services.logins(),
                services.domains(), services.users(), services.mail(), dir.resolve("tmp").resolve("smtp"));
        RelayDelivery delivery = RelayDelivery.start(config, shared, relay, new QueueStore(dir.resolve("queue")),
                new Events() {
                    @Override public void delivery(DeliveryAttempt attempt) {
                        attempts.add(attempt);
                    }
                }, dkim);
        queue = delivery.queue();
        server = new SmtpServer(config, shared, delivery).start();
    }

    /** Sends {@code m} through the relay as alice, with AUTH (Jakarta Mail). */
    void send(MimeMessage m) throws Exception {
        Transport.send(m, "alice", TestServices.ALICE_PASSWORD);
    }

    Session session() {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(server.port()));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.timeout", "10000");
        return Session.getInstance(p);
    }

    /** Every message in a local user's Maildir. */
    List<byte[]> mailbox(String user) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (Mailbox box = services.mail().open(user, false)) {
            for (MessageInfo info : box.messages()) {
                try (InputStream in = box.content(info.uid())) {
                    out.add(in.readAllBytes());
                }
            }
        }
        return out;
    }

    /** How many messages a local user has (for waiting on one). */
    int mailboxSize(String user) {
        try {
            return mailbox(user).size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits (bounded) until {@code condition} holds. */
    static void await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + limit);
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        server.close();
        queue.close();
    }

    /** One message as a remote got it. */
    record Received(Envelope envelope, byte[] text) {}

    /**
     * A remote SMTP server (this module's, over its own {@link TestServices}) that records every
     * message, or refuses every recipient with {@code refusal}.
     */
    static final class Remote implements AutoCloseable {
        final TestServices services;
        final SmtpServer server;
        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

        Remote(Path dir, Reply refusal, String... keysAndValues) throws IOException {
            services = TestServices.create(dir);
            Settings s = Settings.of("smtp.port", "0").with(Settings.of(keysAndValues));
            SmtpConfig config = SmtpConfig.from(s);
            SmtpServer.Shared shared = new SmtpServer.Shared(services.listening(), services.tls(), services.logins(),
                    services.domains(), services.users(), services.mail(), dir.resolve("tmp").resolve("smtp"));
            server = new SmtpServer(config, shared, new DeliveryHandler() {
                @Override public Reply checkRecipient(SmtpContext ctx, String address) {
                    return refusal != null ? refusal : DeliveryHandler.super.checkRecipient(ctx, address);
                }

                @Override public Reply deliver(SmtpContext ctx, Envelope envelope, InputStream body) throws IOException {
                    received.add(new Received(envelope, body.readAllBytes()));
                    return Reply.of(250, "2.0.0 Ok: recorded");
                }
            }).start();
        }

        int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

}
