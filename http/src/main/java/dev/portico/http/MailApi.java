package dev.portico.http;

import dev.portico.core.LogSafe;
import dev.portico.core.auth.User;
import dev.portico.core.mail.Mailbox;
import dev.portico.core.mail.MailboxInUseException;
import dev.portico.core.mail.MessageInfo;
import dev.portico.core.mail.MimeView;
import jakarta.mail.MessagingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code /api/v1/messages} and {@code /api/v1/mailboxes/...}: every mailbox of the store, a user's
 * or one that a delivery created, listed, read (raw, decoded, part by part), emptied, and waited on.
 * Mailboxes are opened shared to read, so a POP3 session can hold one at the same time, and
 * exclusively to delete, so a delete never pulls a message from under a POP3 session's numbering.
 */
final class MailApi {

    /** A message as a listing shows it. */
    record Summary(String mailbox, String id, MimeView.Address from, List<MimeView.Address> to, List<MimeView.Address> cc, String subject,
                   String date, String received, long size, boolean seen, String href) {}

    /** One leaf part of a message: where to fetch it decoded. */
    record PartInfo(int index, String contentType, String fileName, long size, boolean text, String href) {}

    /** One header field, its value decoded (RFC 2047). */
    record HeaderField(String name, String value) {}

    /** A message decoded: the summary's fields, every header, the text and HTML bodies, the parts. */
    record Decoded(String mailbox, String id, MimeView.Address from, List<MimeView.Address> to, List<MimeView.Address> cc, String subject,
                   String date, String received, long size, boolean seen, List<HeaderField> headers, String text,
                   String html, List<PartInfo> parts, List<PartInfo> attachments, String raw) {}

    record MailboxInfo(String name, int messages, long size, String href) {}

    record Purged(int deleted) {}

    private static final Logger log = LoggerFactory.getLogger(MailApi.class);
    /** A {@code count=} wait looks at the store this often; deliveries have no signal to wait on. */
    private static final Duration POLL = Duration.ofMillis(50);
    /** The wait when {@code count} is given without {@code timeout}. */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);
    static final int MAX_COUNT = 100_000;

    private final HttpConfig config;
    private final HttpServer.Shared shared;
    private final CountDownLatch stopping;

    MailApi(HttpConfig config, HttpServer.Shared shared, CountDownLatch stopping) {
        this.config = config;
        this.shared = shared;
        this.stopping = stopping;
    }

    Response mailboxes(Request r) throws IOException {
        List<MailboxInfo> out = new ArrayList<>();
        for (String name : shared.mail().mailboxes()) {
            try (Mailbox box = shared.mail().open(name, false)) {
                List<MessageInfo> m = box.messages();
                out.add(new MailboxInfo(name, m.size(), m.stream().mapToLong(MessageInfo::size).sum(), href(name)));
            }
        }
        return Response.ok(out);
    }

    Response listAll(Request r) throws IOException, MessagingException {
        return list(r, null);
    }

    Response list(Request r) throws IOException, MessagingException {
        return list(r, mailbox(r));
    }

    /** Lists one mailbox or all; with {@code count=N}, first waits until there are at least N messages. */
    private Response list(Request r, String mailbox) throws IOException, MessagingException {
        int count = r.intParam("count", 0, 0, MAX_COUNT);
        Duration timeout = r.durationParam("timeout", count > 0 ? min(DEFAULT_WAIT, config.maxWait()) : Duration.ZERO,
                config.maxWait());
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int have = count(mailbox); have < count; have = count(mailbox)) {
            long left = deadline - System.nanoTime();
            if (stopping.getCount() == 0) throw new HttpProblem(503, "Service Unavailable", "Portico is stopping");
            if (left <= 0) {
                throw new HttpProblem(408, "Request Timeout", have + " of " + count + " messages arrived"
                        + (mailbox == null ? "" : " in " + mailbox) + " within " + timeout.toMillis() + " ms");
            }
            try {
                // wakes at once when the server stops
                if (stopping.await(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS)) continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HttpProblem(503, "Service Unavailable", "Portico is stopping");
            }
        }
        List<Summary> out = new ArrayList<>();
        for (String name : names(mailbox)) {
            try (Mailbox box = shared.mail().open(name, false)) {
                for (MessageInfo m : box.messages()) {
                    try (InputStream in = box.content(m.uid())) {
                        out.add(summary(name, m, MimeView.headers(in)));
                    } catch (NoSuchFileException e) {
                        // deleted while we listed (a POP3 QUIT, another client's DELETE)
                    }
                }
            }
        }
        return Response.ok(out);
    }

    /** Text with {@code \n} line ends, as programs in every language compare strings; the parts keep the message's CR LF. */
    private static String lf(String text) {
        return text == null ? null : text.replace("\r\n", "\n");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private int count(String mailbox) throws IOException {
        int n = 0;
        for (String name : names(mailbox)) {
            try (Mailbox box = shared.mail().open(name, false)) {
                n += box.messages().size();
            }
        }
        return n;
    }

    /** Every mailbox for null, else the one named when it exists. */
    private List<String> names(String mailbox) throws IOException {
        if (mailbox == null) return shared.mail().mailboxes();
        return exists(mailbox) ? List.of(mailbox) : List.of();
    }

    /** Whether a mailbox exists; a name the store does not have is an empty mailbox, and looking creates nothing. */
    private boolean exists(String name) throws IOException {
        return shared.mail().mailboxes().contains(name);
    }

    Response read(Request r) throws IOException, MessagingException {
        String mailbox = mailbox(r);
        try (Mailbox box = open(mailbox)) {
            MessageInfo m = find(box, mailbox, r.var("id"));
            MimeView view = parse(box, m);
            MimeView.Headers h = view.headers();
            List<HeaderField> headers = h.all().stream().map(f -> new HeaderField(f[0], f[1])).toList();
            List<PartInfo> parts = new ArrayList<>();
            List<PartInfo> attachments = new ArrayList<>();
            for (MimeView.Part p : view.parts()) {
                PartInfo info = new PartInfo(p.number(), p.type(), p.fileName(), p.size(), p.isText(),
                        href(mailbox, m.uid()) + "/parts/" + p.number());
                parts.add(info);
                if (!p.isText()) attachments.add(info);
            }
            Summary s = summary(mailbox, m, h);
            return Response.ok(new Decoded(s.mailbox(), s.id(), s.from(), s.to(), s.cc(), s.subject(), s.date(),
                    s.received(), s.size(), s.seen(), headers, lf(view.text("text/plain")), lf(view.text("text/html")),
                    parts, attachments, href(mailbox, m.uid()) + "/raw"));
        }
    }

    Response raw(Request r) throws IOException {
        String mailbox = mailbox(r);
        try (Mailbox box = open(mailbox)) {
            MessageInfo m = find(box, mailbox, r.var("id"));
            return new Response.Bytes(200, "message/rfc822", -1, content(box, m), Map.of());
        }
    }

    Response part(Request r) throws IOException, MessagingException {
        String mailbox = mailbox(r);
        try (Mailbox box = open(mailbox)) {
            MessageInfo m = find(box, mailbox, r.var("id"));
            List<MimeView.Part> parts = parse(box, m).parts();
            int n;
            try {
                n = Integer.parseInt(r.var("part"));
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > parts.size()) {
                throw HttpProblem.notFound("the message has parts 1 to " + parts.size() + ", not " + r.var("part"));
            }
            return download(parts.get(n - 1));
        }
    }

    Response attachment(Request r) throws IOException, MessagingException {
        String mailbox = mailbox(r);
        String name = r.var("name");
        try (Mailbox box = open(mailbox)) {
            MessageInfo m = find(box, mailbox, r.var("id"));
            for (MimeView.Part p : parse(box, m).attachments()) {
                if (name.equals(p.fileName())) return download(p);
            }
            throw HttpProblem.notFound("the message has no attachment named " + name);
        }
    }

    private static Response download(MimeView.Part p) throws IOException, MessagingException {
        String type = p.type() + (p.charset() == null ? "" : "; charset=" + p.charset());
        String name = p.fileName();
        String disposition = (p.isText() ? "inline" : "attachment") + (name == null ? "" : "; " + ContentDisposition.fileName(name));
        return new Response.Bytes(200, type, p.size(), p.open(), Map.of("Content-Disposition", disposition));
    }

    Response delete(Request r) throws IOException {
        String mailbox = mailbox(r);
        String id = r.var("id");
        if (!exists(mailbox)) throw HttpProblem.notFound("no message " + id + " in " + mailbox);
        try (Mailbox box = shared.mail().open(mailbox, true)) {
            find(box, mailbox, id);
            box.delete(List.of(id));
        }
        log.info("http: deleted message {} of {}", LogSafe.text(id), mailbox);
        return Response.noContent();
    }

    Response purge(Request r) throws IOException {
        String mailbox = mailbox(r);
        int n = exists(mailbox) ? purge(mailbox) : 0;
        log.info("http: purged {} ({} messages)", mailbox, n);
        return Response.ok(new Purged(n));
    }

    /** Empties every mailbox; those held by a POP3 session are left as they are, and named in a 409 after the others are emptied. */
    Response purgeAll(Request r) throws IOException {
        int n = 0;
        List<String> busy = new ArrayList<>();
        for (String name : shared.mail().mailboxes()) {
            try {
                n += purge(name);
            } catch (MailboxInUseException e) {
                busy.add(name);
            }
        }
        log.info("http: purged every mailbox ({} messages{})", n, busy.isEmpty() ? "" : "; held by POP3: " + busy);
        if (!busy.isEmpty()) {
            throw HttpProblem.conflict(n + " messages deleted; these mailboxes are held by POP3 sessions and were left: "
                    + String.join(", ", busy));
        }
        return Response.ok(new Purged(n));
    }

    private int purge(String mailbox) throws IOException {
        try (Mailbox box = shared.mail().open(mailbox, true)) {
            List<String> uids = box.messages().stream().map(MessageInfo::uid).toList();
            box.delete(uids);
            return uids.size();
        }
    }

    /** The mailbox named in the path: a user's name or another mailbox of the store. */
    private static String mailbox(Request r) {
        String name = r.var("mailbox");
        if (!User.isValidName(name)) throw HttpProblem.notFound("no mailbox " + name + " (names are 1-64 of a-z 0-9 . _ -)");
        return name;
    }

    private Mailbox open(String mailbox) throws IOException {
        if (!exists(mailbox)) throw HttpProblem.notFound("mailbox " + mailbox + " has no messages");
        return shared.mail().open(mailbox, false);
    }

    private static MessageInfo find(Mailbox box, String mailbox, String id) {
        for (MessageInfo m : box.messages()) {
            if (m.uid().equals(id)) return m;
        }
        throw HttpProblem.notFound("no message " + id + " in " + mailbox);
    }

    private static InputStream content(Mailbox box, MessageInfo m) throws IOException {
        try {
            return box.content(m.uid());
        } catch (NoSuchFileException e) {
            throw HttpProblem.notFound("message " + m.uid() + " was deleted meanwhile");
        }
    }

    private static MimeView parse(Mailbox box, MessageInfo m) throws IOException, MessagingException {
        if (m.size() > MimeView.MAX_PARSED) {
            throw new HttpProblem(422, "Unprocessable Content", "the message has " + m.size()
                    + " bytes, more than the " + MimeView.MAX_PARSED + " decoded here; /raw serves it as stored");
        }
        try (InputStream in = content(box, m)) {
            return MimeView.parse(in);
        }
    }

    private static Summary summary(String mailbox, MessageInfo m, MimeView.Headers h) {
        List<MimeView.Address> from = h.addresses("From");
        Instant date = h.date();
        return new Summary(mailbox, m.uid(), from.isEmpty() ? null : from.get(0), h.addresses("To"),
                h.addresses("Cc"), h.get("Subject"), date == null ? null : date.toString(), m.received().toString(),
                m.size(), m.seen(), href(mailbox, m.uid()));
    }

    static String href(String mailbox) {
        return "/api/v1/mailboxes/" + mailbox + "/messages";
    }

    static String href(String mailbox, String id) {
        return href(mailbox) + "/" + PathEncoding.segment(id);
    }
}
