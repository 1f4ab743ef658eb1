package dev.portico.smtp.relay;

import dev.portico.core.Events;
import dev.portico.core.LogSafe;
import dev.portico.core.Reply;
import dev.portico.core.mail.MailDomains;
import dev.portico.smtp.Dsn;
import dev.portico.smtp.dkim.Dkim;
import dev.portico.smtp.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The outbound queue at work: the messages of a {@link QueueStore} in memory, and a runner that
 * delivers them on virtual threads. The runner wakes when a message arrives, when a retry falls
 * due, and every second (to notice {@code portico queue} changes). It groups what is due by
 * destination (the recipient's domain, or the smart host), and each destination gets up to
 * {@code smtp.relay.max-per-destination} workers, at most {@code smtp.relay.max-connections} in
 * all; a worker keeps its connection for the next message of its destination (Postfix's
 * connection reuse). A recipient's outcome is saved the moment its reply arrives: 2xx
 * delivered, 4xx and broken connections retried after {@code smtp.relay.retry}, 5xx (and an
 * unknown domain, a null MX, an expired lifetime) failed, and a bounce goes to the sender.
 */
public final class RelayQueue implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(RelayQueue.class);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final String SMART_HOST = "[smart-host]";

    private final RelayConfig config;
    private final QueueStore store;
    private final MailDomains domains;
    /** Signs mail from the signing domains as it leaves; null signs nothing. */
    private final Dkim dkim;
    /** Stores a report for a local sender in their Maildir ({@code LocalDelivery::sendReport}); set by {@link #start}. */
    private volatile ReportSender localReports;
    private final String hostname;
    private final Events events;
    private final RemoteConnector connector;
    private final Map<String, QueuedMessage> messages = new ConcurrentHashMap<>();
    /** Open once the messages queued before {@link #start} are in {@link #messages}. */
    private final CountDownLatch loaded = new CountDownLatch(1);
    /** {@code id|destination} of the jobs waiting or running, so that no job is scheduled twice. */
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    private final Map<String, Destination> destinations = new ConcurrentHashMap<>();
    private final Semaphore connections;
    private final ReentrantLock wakeLock = new ReentrantLock();
    private final ReentrantLock settling = new ReentrantLock();
    private final Condition wake = wakeLock.newCondition();
    private boolean woken;
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private Thread runner;

    /**
     * @param domains  tells local senders from others
     * @param hostname the name in EHLO and in reports
     * @param dkim     signs what leaves (mail from the signing domains), or null
     */
    public RelayQueue(RelayConfig config, QueueStore store, MailDomains domains, String hostname, Events events, Dkim dkim) {
        this.config = config;
        this.store = store;
        this.domains = domains;
        this.dkim = dkim;
        this.hostname = hostname;
        this.events = events;
        this.connector = new RemoteConnector(config, hostname);
        this.connections = new Semaphore(config.maxConnections());
    }

    /**
     * Loads what is queued (removing what a crash left half-written) and starts the runner.
     *
     * @param localReports stores a report for a local sender (the local delivery's {@code sendReport}),
     *                     which itself sends reports for remote senders through {@link #sendReport}
     */
    public RelayQueue start(ReportSender localReports) throws IOException {
        this.localReports = localReports;
        // On the path to the server's start only the folder is listed (and what a crash left removed:
        // nothing of this process writes there yet). The envelopes are read by the runner before its
        // first round, after the listeners are up: a thousand of them took a cold JVM 200 ms.
        List<String> ids = store.ids(true);
        runner = Thread.ofVirtual().name("relay-queue").start(() -> {
            load(ids);
            run();
        });
        return this;
    }

    private void load(List<String> ids) {
        try {
            for (String id : ids) {
                if (closed) return;
                QueuedMessage m = store.readOrWarn(id);
                if (m != null) messages.putIfAbsent(id, m);
            }
            if (!ids.isEmpty()) log.info("queue: {} message(s) waiting in {}", ids.size(), store.dir());
        } finally {
            loaded.countDown();
        }
    }

    /** Messages queued now (once the messages queued before the start are read). */
    public Collection<QueuedMessage> messages() {
        try {
            loaded.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(messages.values());
    }

    // ---- taking messages -----------------------------------------------------------------------

    /** A message being written into the queue: not queued until {@link #commit}. */
    public final class Incoming {
        final String id;
        final QueueStore.Written written;

        private Incoming(String id, QueueStore.Written written) {
            this.id = id;
            this.written = written;
        }

        /** The message text as stored, for a local delivery of the same message. */
        public InputStream open() throws IOException {
            return java.nio.file.Files.newInputStream(store.messageFile(id));
        }

        public String id() {
            return id;
        }

        /** Queues the message for {@code recipients}: the envelope is durable when this returns. */
        public void commit(Envelope envelope, List<Envelope.Recipient> recipients, String user) throws IOException {
            Instant now = Instant.now();
            List<QueuedMessage.Recipient> rcpts = recipients.stream()
                    .map(r -> new QueuedMessage.Recipient(r.address(), QueuedMessage.State.PENDING, 0, now, null, false,
                            r.notifyParameter(), r.originalRecipient())).toList();
            // A message declared 8BITMIME that is all 7-bit goes to a remote without 8BITMIME as it is.
            QueuedMessage m = new QueuedMessage(id, envelope.sender(), now, written.eightBit() ? envelope.body() : "7BIT",
                    envelope.smtpUtf8(), user, written.size(), envelope.ret(), envelope.envelopeId(), rcpts);
            store.save(m);
            messages.put(id, m);
            log.info("queue: {} from <{}> to {} recipient(s), {} octets queued", id, LogSafe.text(m.sender()), rcpts.size(), written.size());
            signal();
        }

        /** Drops the text when the message is not queued after all. */
        public void abandon() {
            try {
                store.remove(id);
            } catch (IOException e) {
                log.warn("queue: cannot remove {}: {}", id, e.toString());
            }
        }
    }

    /** Writes {@code text} into the queue, fsynced; {@link Incoming#commit} queues it. */
    public Incoming write(InputStream text) throws IOException {
        String id = store.newId();
        try {
            return new Incoming(id, store.writeMessage(id, text));
        } catch (IOException | RuntimeException e) {
            store.remove(id);
            throw e;
        }
    }

    // ---- the runner ----------------------------------------------------------------------------

    private void signal() {
        wakeLock.lock();
        try {
            woken = true;
            wake.signal();
        } finally {
            wakeLock.unlock();
        }
    }

    private void run() {
        while (!closed) {
            try {
                if (store.takeChanged()) reload();
                schedule(Instant.now());
            } catch (IOException | RuntimeException e) {
                log.warn("queue: runner: {}", e.toString(), e);
            }
            wakeLock.lock();
            try {
                if (!woken && !closed) wake.await(TICK.toMillis(), TimeUnit.MILLISECONDS);
                woken = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                wakeLock.unlock();
            }
        }
    }

    /** Takes in what the command line changed: deleted messages, flushed retry times, forced bounces. */
    private void reload() throws IOException {
        Map<String, QueuedMessage> onDisk = new java.util.HashMap<>();
        for (QueuedMessage m : store.load(false)) onDisk.put(m.id(), m);
        for (String id : messages.keySet()) {
            if (!onDisk.containsKey(id)) messages.remove(id);
        }
        for (QueuedMessage m : onDisk.values()) {
            if (scheduled.stream().noneMatch(k -> k.startsWith(m.id() + "|"))) messages.put(m.id(), m);
        }
    }

    private void schedule(Instant now) {
        for (QueuedMessage queued : messages.values()) {
            if (closed) return;
            QueuedMessage m = queued;
            Instant expiry = m.arrival().plus(config.maxLifetime());
            if (now.isAfter(expiry) && m.recipients().stream().anyMatch(QueuedMessage.Recipient::pending)) {
                m = change(m.id(), r -> r.pending(), r -> r.failed("4.4.7 message expired after "
                        + config.maxLifetime().toHours() + " hours in the queue; last reply: " + r.lastReply()));
                if (m == null) continue;
            }
            // A message with a failure nobody was told of, or one finished when a crash stopped its removal.
            boolean unsettled = m.finished() || m.recipients().stream()
                    .anyMatch(r -> r.state() == QueuedMessage.State.FAILED && !r.reported());
            if (unsettled && scheduled.add(m.id() + "|")) {
                settle(m.id());
                scheduled.remove(m.id() + "|");
                continue;
            }
            warnDelayed(m, now);
            for (QueuedMessage.Recipient r : m.due(now)) {
                String dest = destination(r);
                if (scheduled.add(m.id() + "|" + dest)) destinations.computeIfAbsent(dest, Destination::new).add(m.id());
            }
        }
    }

    private String destination(QueuedMessage.Recipient r) {
        return config.smartHost() != null ? SMART_HOST : r.domain();
    }

    /** One destination's waiting messages and its workers. */
    private final class Destination {
        final String name;
        final java.util.ArrayDeque<String> waiting = new java.util.ArrayDeque<>();
        int workers;

        Destination(String name) {
            this.name = name;
        }

        synchronized void add(String id) {
            waiting.add(id);
            if (workers < Math.min(config.maxPerDestination(), waiting.size() + workers)) {
                workers++;
                Thread t = Thread.ofVirtual().name("relay-" + name).unstarted(() -> work(this));
                running.add(t);
                t.start();
            }
        }

        /** The next message, or null, and then this worker is gone. */
        synchronized String next() {
            String id = waiting.poll();
            if (id == null) workers--;
            return id;
        }

        synchronized List<String> drain() {
            List<String> all = new ArrayList<>(waiting);
            waiting.clear();
            return all;
        }
    }

    private void work(Destination d) {
        SmtpClient client = null;
        boolean permit = false;
        try {
            connections.acquire();
            permit = true;
            for (String id; (id = d.next()) != null; ) {
                try {
                    client = deliver(d, id, client);
                } catch (RuntimeException e) {
                    log.warn("queue: {} to {}: {}", id, d.name, e.toString(), e);
                } finally {
                    scheduled.remove(id + "|" + d.name);
                }
                if (closed) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (client != null) client.close();
            if (permit) connections.release();
            if (closed) for (String id : d.drain()) scheduled.remove(id + "|" + d.name);
            running.remove(Thread.currentThread());
        }
    }

    /** Delivers one message's due recipients of {@code d}; returns the connection to reuse, or null. */
    private SmtpClient deliver(Destination d, String id, SmtpClient client) {
        QueuedMessage m = messages.get(id);
        if (m == null) return client;
        Instant now = Instant.now();
        List<String> rcpts = m.due(now).stream().filter(r -> destination(r).equals(d.name))
                .map(QueuedMessage.Recipient::address).toList();
        if (rcpts.isEmpty()) return client;
        if (client == null) {
            try {
                client = connector.connect(d.name.equals(SMART_HOST) ? null : d.name);
            } catch (RemoteConnector.Failure f) {
                outcome(m, rcpts, "none", f.permanent ? Reply.of(550, f.getMessage()) : Reply.of(451, f.getMessage()));
                if (!f.permanent) {
                    // The destination is down: everything waiting for it waits for the next retry.
                    for (String other : d.drain()) {
                        QueuedMessage o = messages.get(other);
                        if (o != null) outcome(o, o.due(now).stream().filter(r -> destination(r).equals(d.name))
                                .map(QueuedMessage.Recipient::address).toList(), "none", Reply.of(451, f.getMessage()));
                        scheduled.remove(other + "|" + d.name);
                    }
                }
                return null;
            }
        }
        byte[] signature;
        try {
            signature = signature(m);
        } catch (IOException e) {
            // Unsigned, it would fail DMARC at the receiver: better late than rejected.
            outcome(m, rcpts, client.relay(), Reply.of(451, "4.3.0 cannot sign with DKIM: " + e.getMessage()));
            return client;
        }
        Map<String, Reply> replies;
        try {
            replies = client.send(m, rcpts, store.messageFile(id), signature);
        } catch (IOException e) {
            // Whether the remote took it is unknown: it is sent again at the next try (RFC 5321 6.1 prefers a duplicate to a loss).
            outcome(m, rcpts, client.relay(), Reply.of(451, "4.4.2 lost connection with " + client.relay() + ": " + e.getMessage()));
            client.close();
            return null;
        }
        outcome(m, replies, client.relay(), client.offersDsn() ? null : client.host());
        return client;
    }

    /**
     * The {@code DKIM-Signature} field for a message from a signing domain: the sender's, or for a
     * report (from {@code <>}) the primary domain its {@code From: MAILER-DAEMON@} names; empty otherwise.
     */
    private byte[] signature(QueuedMessage m) throws IOException {
        if (dkim == null) return new byte[0];
        String domain = m.isNullSender() ? domains.primary() : m.sender().substring(m.sender().lastIndexOf('@') + 1);
        return dkim.sign(domain, store.messageFile(m.id())).map(f -> f.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .orElse(new byte[0]);
    }

    private void outcome(QueuedMessage m, List<String> rcpts, String relay, Reply reply) {
        Map<String, Reply> all = new java.util.LinkedHashMap<>();
        for (String r : rcpts) all.put(r, reply);
        outcome(m, all, relay, null);
    }

    /**
     * Records each recipient's reply, saves the state at once, logs each attempt, reports
     * successes that were asked for, and settles a finished message.
     *
     * @param reportSuccess the remote's name when this side reports successes (the remote has no DSN), else null
     */
    private void outcome(QueuedMessage m, Map<String, Reply> replies, String relay, String reportSuccess) {
        if (replies.isEmpty()) return;
        Instant now = Instant.now();
        QueuedMessage updated = change(m.id(), r -> r.pending() && replies.containsKey(r.address()), r -> {
            Reply reply = replies.get(r.address());
            String text = SmtpClient.text(reply);
            if (reply.code() / 100 == 2) return r.delivered(text);
            if (reply.code() >= 500) return r.failed(text);
            QueuedMessage.Recipient deferred = r.deferred(text, now.plus(config.retryAfter(r.attempts() + 1)));
            return now.isAfter(m.arrival().plus(config.maxLifetime())) ? r.failed(text) : deferred;
        });
        if (updated == null) return;
        Duration delay = Duration.between(m.arrival(), now);
        for (Map.Entry<String, Reply> e : replies.entrySet()) {
            Reply reply = e.getValue();
            String status = reply.code() / 100 == 2 ? "sent" : reply.code() >= 500 ? "bounced" : "deferred";
            String text = SmtpClient.text(reply);
            events.delivery(new Events.DeliveryAttempt(now, m.id(), e.getKey(), relay, delay, status(text), status, text));
            log.info("queue: {} to=<{}>, relay={}, delay={}ms, status={} ({})", m.id(), LogSafe.text(e.getKey()), relay,
                    delay.toMillis(), status, LogSafe.text(text));
        }
        if (reportSuccess != null) relayed(updated, replies, reportSuccess);
        if (updated.recipients().stream().noneMatch(QueuedMessage.Recipient::pending)) settle(m.id());
    }

    /** RFC 3461 5.2.2.3: a remote without DSN took a recipient that asked NOTIFY=SUCCESS, so the sender hears "relayed" from here. */
    private void relayed(QueuedMessage m, Map<String, Reply> replies, String remote) {
        List<DeliveryStatusReport.RecipientStatus> statuses = new ArrayList<>();
        for (QueuedMessage.Recipient r : m.recipients()) {
            Reply reply = replies.get(r.address());
            if (reply == null || reply.code() / 100 != 2 || !r.dsn().wants(Dsn.Notify.SUCCESS)) continue;
            statuses.add(new DeliveryStatusReport.RecipientStatus(r.dsn(), DeliveryStatusReport.Action.RELAYED, "2.0.0",
                    remote, SmtpClient.text(reply), Instant.now(), null));
        }
        if (statuses.isEmpty()) return;
        try {
            report(m, statuses);
        } catch (IOException | RuntimeException e) {
            log.warn("queue: {} success report not sent: {}", m.id(), e.toString());
        }
    }

    /** RFC 3461 4.1: a sender who asked for DELAY (or gave no NOTIFY) hears once that a message is late. */
    private void warnDelayed(QueuedMessage m, Instant now) {
        if (m.isNullSender() || !now.isAfter(m.arrival().plus(config.delayWarning()))) return;
        List<QueuedMessage.Recipient> late = m.recipients().stream()
                .filter(r -> r.pending() && r.attempts() > 0 && !r.reported() && r.dsn().wants(Dsn.Notify.DELAY)).toList();
        if (late.isEmpty()) return;
        List<DeliveryStatusReport.RecipientStatus> statuses = late.stream().map(r -> new DeliveryStatusReport.RecipientStatus(
                r.dsn(), DeliveryStatusReport.Action.DELAYED, status(r.lastReply()).startsWith("4") ? status(r.lastReply()) : "4.0.0",
                null, r.lastReply(), now, m.arrival().plus(config.maxLifetime()))).toList();
        try {
            report(m, statuses);
        } catch (IOException | RuntimeException e) {
            log.warn("queue: {} delay report not sent: {}", m.id(), e.toString());
            return;
        }
        List<String> told = late.stream().map(QueuedMessage.Recipient::address).toList();
        change(m.id(), r -> r.pending() && told.contains(r.address()), QueuedMessage.Recipient::asReported);
    }

    /** Applies {@code change} to the recipients {@code which} selects and saves the message; null when it is gone. */
    private QueuedMessage change(String id, java.util.function.Predicate<QueuedMessage.Recipient> which,
                                 java.util.function.UnaryOperator<QueuedMessage.Recipient> change) {
        return messages.computeIfPresent(id, (k, m) -> {
            QueuedMessage next = m.update(which, change);
            try {
                store.save(next);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the state of " + id, e);
            }
            return next;
        });
    }

    /** Sends the bounce for the failed recipients nobody was told of, and removes a finished message. */
    private void settle(String id) {
        // One at a time: the runner and a worker may settle the same message, and only one may bounce it.
        settling.lock();
        try {
            settleLocked(id);
        } finally {
            settling.unlock();
        }
    }

    private void settleLocked(String id) {
        QueuedMessage m = messages.get(id);
        if (m == null) return;
        List<QueuedMessage.Recipient> failed = m.recipients().stream()
                .filter(r -> r.state() == QueuedMessage.State.FAILED && !r.reported()).toList();
        if (!failed.isEmpty()) {
            try {
                bounce(m, failed);
            } catch (IOException e) {
                log.warn("queue: cannot send the bounce of {}: {}; trying again later", id, e.toString());
                return;
            }
            m = change(id, r -> r.state() == QueuedMessage.State.FAILED, QueuedMessage.Recipient::asReported);
        }
        if (m != null && m.finished()) {
            try {
                store.remove(id);
                messages.remove(id);
                log.info("queue: {} removed", id);
            } catch (IOException e) {
                log.warn("queue: cannot remove {}: {}", id, e.toString());
            }
        }
    }

    /**
     * The non-delivery report (RFC 3464) to the sender, for the recipients that asked for one
     * (RFC 3461 NOTIFY; never to the null sender, so a bounce cannot loop).
     */
    private void bounce(QueuedMessage m, List<QueuedMessage.Recipient> failed) throws IOException {
        List<DeliveryStatusReport.RecipientStatus> statuses = failed.stream().map(r -> new DeliveryStatusReport.RecipientStatus(
                r.dsn(), DeliveryStatusReport.Action.FAILED, status(r.lastReply()), null, r.lastReply(), Instant.now(), null)).toList();
        report(m, statuses);
        log.info("queue: {} failed for {} recipient(s) of <{}>", m.id(), failed.size(), LogSafe.text(m.sender()));
    }

    private void report(QueuedMessage m, List<DeliveryStatusReport.RecipientStatus> statuses) throws IOException {
        Optional<DeliveryStatusReport.Report> report;
        try (InputStream text = java.nio.file.Files.newInputStream(store.messageFile(m.id()))) {
            report = DeliveryStatusReport.build(hostname, domains.primary(), m.envelope(), m.arrival(), statuses, text);
        }
        if (report.isPresent()) sendReport(report.get());
    }

    /**
     * Sends a report Portico generated (a message from {@code <>} to one recipient): into the
     * Maildir when the recipient is local, into this queue otherwise. The local delivery sends its
     * success reports here too.
     */
    public void sendReport(DeliveryStatusReport.Report report) throws IOException {
        String to = report.envelope().recipients().get(0);
        if (domains.localPart(to).isPresent()) {
            localReports.send(report);
            return;
        }
        Incoming in = write(new ByteArrayInputStream(report.message()));
        try {
            in.commit(report.envelope(), report.envelope().rcpts(), null);
        } catch (IOException | RuntimeException e) {
            in.abandon();
            throw e;
        }
    }

    /** The enhanced status code (RFC 3463) of a reply text ({@code 550 5.1.1 ...} or {@code 4.4.7 ...}), else its class's. */
    static String status(String reply) {
        if (reply == null) return "4.0.0";
        String[] words = reply.split(" ", 3);
        for (int i = 0; i < Math.min(2, words.length); i++) {
            if (words[i].matches("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}")) return words[i];
        }
        return words[0].matches("[245][0-9][0-9]") ? words[0].charAt(0) + ".0.0" : "5.0.0";
    }

    /** Stops the runner and the workers; what is queued stays on disk for the next start. */
    @Override
    public void close() {
        closed = true;
        signal();
        if (runner != null) {
            try {
                runner.join(Duration.ofSeconds(5));
                // A worker in the middle of a message is cut off: it is sent again after the next start.
                for (Thread w : running) w.interrupt();
                for (Thread w : running) w.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
