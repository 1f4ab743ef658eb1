package dev.portico.smtp;

import dev.portico.core.LogSafe;
import dev.portico.core.Reply;
import dev.portico.core.auth.User;
import dev.portico.core.auth.UserDirectory;
import dev.portico.core.mail.MailDomains;
import dev.portico.core.mail.MailStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.portico.smtp.relay.DeliveryStatusReport;
import dev.portico.smtp.relay.ReportSender;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The default delivery: local users' Maildirs through the shared {@link MailStore}. Accepts only
 * addresses in the local domains (it relays nothing: mail for other domains gets 554 5.7.1, also
 * from a session that {@link dev.portico.smtp.relay.RelayPolicy may relay}; the relay queue wraps
 * this handler for those) whose local part is a user, and {@code postmaster} in any case, always
 * (RFC 5321 4.5.1: it must be accepted, also with no administrator around). Postmaster mail goes
 * to the role mailbox {@link MailStore#POSTMASTER} ({@code DATA/mail/postmaster/Maildir}), which
 * administrators read with the shell's {@code postmaster} command; a user named
 * {@code postmaster} owns that same mailbox. One copy in one place, whoever the administrators are
 * when it arrives (handing it to every administrator would copy it N times, to none when there
 * is none, and lose track of it when administrators change). As the final delivery agent it adds
 * {@code Return-Path:} (RFC 5321 4.4).
 *
 * <p>With {@code smtp.catch-all} (tests and {@code --dev}, never a real mail server) every recipient
 * in every domain is accepted: a local part naming a user or the postmaster goes where it would
 * anyway, any other gets a mailbox of its own, made on first delivery and named by
 * {@link #catchAllMailbox}. Mail for {@code bob@example.org} lands in {@code DATA/mail/bob/Maildir}.
 *
 * <p>A recipient whose RCPT asked {@code NOTIFY=SUCCESS} (RFC 3461 4.1) gets its sender a
 * "delivered" report (RFC 3464, the original's header section attached) once the message is
 * stored. Reports go to a {@link ReportSender}: by default one that stores a report for a local
 * sender in their Maildir and drops (and logs) one for a remote sender, which only the relay queue
 * can carry; the relay queue passes its own.
 */
public final class LocalDelivery implements DeliveryHandler {

    private static final Logger log = LoggerFactory.getLogger(LocalDelivery.class);

    private final MailStore mail;
    private final MailDomains domains;
    private final UserDirectory users;
    private final boolean catchAll;
    private final String reportingMta;
    private final ReportSender reports;

    /** The strict delivery of a real server: local domains, local users and the postmaster only. */
    public LocalDelivery(MailStore mail, MailDomains domains, UserDirectory users) {
        this(mail, domains, users, false);
    }

    /** @param catchAll accept every recipient of every domain (see the class comment) */
    public LocalDelivery(MailStore mail, MailDomains domains, UserDirectory users, boolean catchAll) {
        this(mail, domains, users, catchAll, domains.primary(), null);
    }

    /**
     * @param catchAll     accept every recipient of every domain (see the class comment)
     * @param reportingMta this server's name in the reports it sends ({@code smtp.hostname} or the primary domain)
     * @param reports      where success reports go, or null for {@link #sendReport} (local senders only)
     */
    public LocalDelivery(MailStore mail, MailDomains domains, UserDirectory users, boolean catchAll,
                         String reportingMta, ReportSender reports) {
        this.mail = mail;
        this.domains = domains;
        this.users = users;
        this.catchAll = catchAll;
        this.reportingMta = reportingMta;
        this.reports = reports != null ? reports : this::sendReport;
    }

    /**
     * Stores a report (a message from {@code <>}) in the Maildir of its recipient when that is a
     * local address; one for a remote address is logged and dropped, as nothing here sends mail
     * onward. Thread-safe.
     */
    public void sendReport(DeliveryStatusReport.Report report) throws IOException {
        String to = report.envelope().recipients().get(0);
        Optional<String> box = localPart(to).flatMap(this::mailbox);
        if (box.isEmpty()) {
            log.info("report for <{}> dropped: not a local mailbox, and no relay queue to send it", LogSafe.text(to));
            return;
        }
        mail.deliver(Set.of(box.get()), new SequenceInputStream(new ByteArrayInputStream(returnPath(report.envelope())),
                new ByteArrayInputStream(report.message())));
    }

    @Override
    public Reply checkRecipient(SmtpContext ctx, String address) {
        Optional<String> local = localPart(address);
        if (local.isEmpty()) return SmtpReplies.RELAY_DENIED;
        return mailbox(local.get()).isPresent() ? SmtpReplies.RECIPIENT_OK : SmtpReplies.UNKNOWN_USER;
    }

    /** The local part of an address delivered here: one of our domains, or any under catch-all. */
    private Optional<String> localPart(String address) {
        if (!catchAll) return domains.localPart(address);
        int at = address.lastIndexOf('@');
        return at <= 0 ? Optional.empty() : Optional.of(address.substring(0, at));
    }

    /** The mailbox a local part delivers to: a user's, the postmaster's, or under catch-all one of its own. */
    private Optional<String> mailbox(String localPart) {
        String local = unquote(localPart);
        Optional<User> user = users.find(local);
        if (user.isPresent()) return Optional.of(user.get().name());
        if (local.equalsIgnoreCase(MailStore.POSTMASTER)) return Optional.of(MailStore.POSTMASTER);
        return catchAll ? Optional.of(catchAllMailbox(local)) : Optional.empty();
    }

    /**
     * The mailbox name a catch-all delivery gives a local part that names no user: the local part in
     * lower case when it is a valid user name ({@code Bob} becomes {@code bob}), otherwise with
     * every character a user name cannot hold replaced by {@code _} ({@code "a+b"} becomes
     * {@code a_b}), prefixed with {@code x} when it would not start with a letter or digit, cut to
     * 64 characters. So a user added later under that name owns the mail already there.
     */
    public static String catchAllMailbox(String localPart) {
        String lower = unquote(localPart).toLowerCase(Locale.ROOT);
        if (User.isValidName(lower)) return lower;
        StringBuilder b = new StringBuilder(lower.length() + 1);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || (c == '.' && (b.isEmpty() || b.charAt(b.length() - 1) != '.'));
            b.append(ok ? c : '_');
        }
        if (b.isEmpty() || !Character.isLetterOrDigit(b.charAt(0))) b.insert(0, 'x');
        if (b.length() > 64) b.setLength(64);
        return b.toString();
    }

    /** RFC 5321 4.1.2: {@code "alice"@domain} is the same mailbox as {@code alice@domain}. */
    private static String unquote(String local) {
        if (local.length() < 2 || !local.startsWith("\"") || !local.endsWith("\"")) return local;
        StringBuilder b = new StringBuilder(local.length());
        for (int i = 1; i < local.length() - 1; i++) {
            char c = local.charAt(i);
            if (c == '\\' && i + 1 < local.length() - 1) c = local.charAt(++i);
            b.append(c);
        }
        return b.toString();
    }

    /** The {@code Return-Path:} line this delivery puts before every message it stores (RFC 5321 4.4). */
    public static byte[] returnPath(Envelope envelope) {
        return ("Return-Path: <" + envelope.sender() + ">\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Reply deliver(SmtpContext ctx, Envelope envelope, InputStream body) throws IOException {
        Instant arrival = Instant.now();
        Set<String> recipients = new LinkedHashSet<>();
        List<DeliveryStatusReport.RecipientStatus> delivered = new ArrayList<>();
        for (Envelope.Recipient r : envelope.rcpts()) {
            // Re-checked here: a user removed between RCPT and the end of DATA gets nothing.
            Optional<String> box = localPart(r.address()).flatMap(this::mailbox);
            box.ifPresent(recipients::add);
            if (box.isPresent() && r.wants(Dsn.Notify.SUCCESS)) {
                delivered.add(new DeliveryStatusReport.RecipientStatus(r, DeliveryStatusReport.Action.DELIVERED,
                        "2.0.0", null, null, arrival, null));
            }
        }
        if (recipients.isEmpty()) return SmtpReplies.UNKNOWN_USER;
        boolean report = !delivered.isEmpty() && !envelope.isNullSender();
        // A success report carries only the header section (RFC 3461 4.3): kept on the way through.
        HeaderCopy headers = report ? new HeaderCopy(body) : null;
        byte[] returnPath = returnPath(envelope);
        mail.deliver(recipients, new SequenceInputStream(new ByteArrayInputStream(returnPath), report ? headers : body));
        log.debug("smtp-{} delivered message from <{}> to {}", ctx.sessionId(), LogSafe.text(envelope.sender()), recipients);
        if (report) {
            try {
                Optional<DeliveryStatusReport.Report> dsn = DeliveryStatusReport.build(reportingMta, domains.primary(),
                        envelope, arrival, delivered, new ByteArrayInputStream(headers.copy.toByteArray()));
                if (dsn.isPresent()) reports.send(dsn.get());
            } catch (IOException | RuntimeException e) {
                // The message is stored and the client will get 250; a lost receipt must not change that.
                log.warn("smtp-{} success report to <{}> not sent: {}", ctx.sessionId(), LogSafe.text(envelope.sender()), e.toString());
            }
        }
        return SmtpReplies.DELIVERED;
    }

    /** Passes a message through, keeping a copy of its first {@link #LIMIT} octets (the header section, mostly). */
    private static final class HeaderCopy extends FilterInputStream {
        static final int LIMIT = 64 << 10;
        final ByteArrayOutputStream copy = new ByteArrayOutputStream(4096);

        HeaderCopy(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = in.read();
            if (c >= 0 && copy.size() < LIMIT) copy.write(c);
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0 && copy.size() < LIMIT) copy.write(b, off, Math.min(n, LIMIT - copy.size()));
            return n;
        }

        /** Through {@link #read(byte[], int, int)}, whatever the JDK's stream classes would delegate to. */
        @Override
        public long transferTo(java.io.OutputStream out) throws IOException {
            byte[] buf = new byte[8192];
            long total = 0;
            for (int n; (n = read(buf, 0, buf.length)) >= 0; total += n) out.write(buf, 0, n);
            return total;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("not skippable");  // a skip would leave a hole in the copy
        }
    }
}
