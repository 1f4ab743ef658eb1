package dev.portico.smtp.relay;

import dev.portico.smtp.Dsn;
import dev.portico.smtp.Envelope;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * A delivery status notification (RFC 3464): a {@code multipart/report; report-type=delivery-status}
 * message (RFC 6522) from {@code MAILER-DAEMON} to the original sender, with a human-readable part,
 * a {@code message/delivery-status} part (the per-message fields, then one block per recipient) and
 * the original message ({@code message/rfc822}) or only its header section
 * ({@code text/rfc822-headers}) as {@code RET} asks. Built with Jakarta Mail, which writes the MIME
 * structure; only the delivery-status fields, which no library here writes, are put together by hand.
 *
 * <p>It is never built for a message from the null sender (RFC 3461 6.1, RFC 5321 4.5.5: that is
 * how report loops are avoided), and it lists only the recipients whose {@code NOTIFY} asks for their
 * kind of report; when none is left there is no report.
 */
public final class DeliveryStatusReport {

    /** The part of the original returned in full at most; a larger message is returned as its header section (Postfix: bounce_size_limit). */
    public static final int MAX_RETURNED = 1 << 20;
    /** RFC 5322 3.3 date-time, as the report's fields write dates. */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private DeliveryStatusReport() {}

    /** The {@code Action:} of one recipient (RFC 3464 2.3.3). */
    public enum Action {
        FAILED(Dsn.Notify.FAILURE), DELAYED(Dsn.Notify.DELAY), DELIVERED(Dsn.Notify.SUCCESS),
        RELAYED(Dsn.Notify.SUCCESS), EXPANDED(Dsn.Notify.SUCCESS);

        private final Dsn.Notify condition;

        Action(Dsn.Notify condition) {
            this.condition = condition;
        }

        /** The {@code NOTIFY=} keyword that asks for a report of this action. */
        public Dsn.Notify condition() {
            return condition;
        }

        /** As the field writes it: {@code failed}, {@code delayed}... */
        public String field() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What happened to one recipient.
     *
     * @param recipient      the recipient with its DSN parameters (ORCPT, NOTIFY)
     * @param action         what the report says happened
     * @param status         the RFC 3463 status code, {@code 5.1.1}
     * @param remoteMta      the host name (or address) of the server that answered, or null
     * @param diagnosticCode that server's reply ({@code 550 5.1.1 No such user}), written as
     *                       {@code Diagnostic-Code: smtp; ...}, or null
     * @param lastAttempt    when delivery was last tried, or null
     * @param willRetryUntil for {@link Action#DELAYED}: when the queue gives up, or null
     */
    public record RecipientStatus(Envelope.Recipient recipient, Action action, String status, String remoteMta,
                                  String diagnosticCode, Instant lastAttempt, Instant willRetryUntil) {
        public RecipientStatus {
            if (status == null || !status.matches("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}")) {
                throw new IllegalArgumentException("status must be an RFC 3463 code: " + status);
            }
        }
    }

    /**
     * A report ready to send.
     *
     * @param envelope the null sender {@code <>} and one recipient, the original sender
     * @param message  the message text, CR LF lines
     */
    public record Report(Envelope envelope, byte[] message) {}

    /**
     * Builds the report of {@code statuses} about {@code original}.
     *
     * @param reportingMta this server's name ({@code Reporting-MTA: dns; NAME})
     * @param domain       the domain of the report's {@code From: MAILER-DAEMON@DOMAIN}
     * @param arrival      when the original was accepted ({@code Arrival-Date})
     * @param message      the original message as stored, CR LF lines; read here, not closed
     * @return the report, or empty for a null-sender original or when no recipient asked for it
     */
    public static Optional<Report> build(String reportingMta, String domain, Envelope original, Instant arrival,
                                         List<RecipientStatus> statuses, InputStream message) throws IOException {
        if (original.isNullSender()) return Optional.empty();
        List<RecipientStatus> wanted = statuses.stream().filter(s -> s.recipient().wants(s.action().condition())).toList();
        if (wanted.isEmpty()) return Optional.empty();
        boolean failure = wanted.stream().anyMatch(s -> s.action() == Action.FAILED);
        // RFC 3461 4.3: RET asks about failure reports; others carry only the header section.
        boolean full = failure && original.ret() != Dsn.Ret.HDRS;
        byte[] returned = full ? readAtMost(message, MAX_RETURNED + 1) : headerSection(message);
        if (returned.length > MAX_RETURNED) {
            returned = headerSection(new java.io.ByteArrayInputStream(returned));
            full = false;
        }
        try {
            byte[] text = write(reportingMta, domain, original, arrival, wanted, returned, full);
            boolean eightBit = hasEightBit(text);
            Envelope envelope = new Envelope("", List.of(Envelope.Recipient.of(original.sender())), -1,
                    eightBit ? "8BITMIME" : "7BIT", original.smtpUtf8(), null, null);
            return Optional.of(new Report(envelope, text));
        } catch (MessagingException e) {
            throw new IOException("cannot build the delivery status report: " + e.getMessage(), e);
        }
    }

    private static byte[] write(String reportingMta, String domain, Envelope original, Instant arrival,
                                List<RecipientStatus> statuses, byte[] returned, boolean full)
            throws MessagingException, IOException {
        Action kind = mostUrgent(statuses);
        MimeMultipart report = new MimeMultipart("report") {
            {
                ContentType type = new ContentType(contentType);
                type.setParameter("report-type", "delivery-status");
                contentType = type.toString();
            }
        };
        MimeBodyPart human = new MimeBodyPart();
        human.setText(humanText(reportingMta, original, statuses, kind), "UTF-8");
        human.setHeader("Content-Description", "Notification");
        report.addBodyPart(human);
        report.addBodyPart(part(fields(reportingMta, original, arrival, statuses), "message/delivery-status",
                "Delivery report"));
        report.addBodyPart(part(returned, full ? "message/rfc822" : "text/rfc822-headers",
                full ? "Undelivered message" : "Message headers"));

        MimeMessage m = new MimeMessage(Session.getInstance(new Properties())) {
            @Override
            protected void updateMessageID() throws MessagingException {
                // The default asks the local host name of the JVM: a DNS lookup, and the wrong name.
                setHeader("Message-ID", "<" + UUID.randomUUID() + "@" + reportingMta + ">");
            }
        };
        try {
            m.setFrom(new InternetAddress("MAILER-DAEMON@" + domain, "Mail Delivery System", "UTF-8"));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
        m.setRecipients(MimeMessage.RecipientType.TO, original.sender());
        m.setSubject(subject(kind), "UTF-8");
        m.setHeader("Date", DATE.format(Instant.now().atZone(ZoneId.systemDefault())));
        // RFC 3834 5: an automatic message, so vacation responders and the like stay quiet.
        m.setHeader("Auto-Submitted", "auto-replied");
        m.setContent(report);
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream(returned.length + 4096);
        m.writeTo(out);
        return out.toByteArray();
    }

    private static MimeBodyPart part(byte[] content, String type, String description) throws MessagingException {
        MimeBodyPart p = new MimeBodyPart();
        p.setDataHandler(new DataHandler(new ByteArrayDataSource(content, type)));
        p.setHeader("Content-Type", type);
        p.setHeader("Content-Description", description);
        // RFC 2046 5.2.1, RFC 3464 2.1: message/* parts are 7bit or 8bit, never re-encoded.
        p.setHeader("Content-Transfer-Encoding", hasEightBit(content) ? "8bit" : "7bit");
        return p;
    }

    /** The failure, if any, leads: it is what the sender must act on. */
    private static Action mostUrgent(List<RecipientStatus> statuses) {
        for (Action a : List.of(Action.FAILED, Action.DELAYED)) {
            if (statuses.stream().anyMatch(s -> s.action() == a)) return a;
        }
        return statuses.get(0).action();
    }

    private static String subject(Action kind) {
        return switch (kind) {
            case FAILED -> "Undelivered Mail Returned to Sender";
            case DELAYED -> "Delayed Mail (still being retried)";
            default -> "Successful Mail Delivery Report";
        };
    }

    private static String humanText(String reportingMta, Envelope original, List<RecipientStatus> statuses, Action kind) {
        StringBuilder b = new StringBuilder();
        b.append("This is the mail system at host ").append(reportingMta).append(".\r\n\r\n");
        b.append(switch (kind) {
            case FAILED -> "I'm sorry to have to inform you that your message could not\r\n"
                    + "be delivered to one or more recipients. It's attached below.\r\n";
            case DELAYED -> "Your message could not be delivered yet. It will be retried\r\n"
                    + "until it is delivered or the time below runs out; you need not send it again.\r\n";
            default -> "Your message was successfully delivered to the destination(s)\r\n"
                    + "listed below, as you asked.\r\n";
        });
        b.append("\r\n");
        for (RecipientStatus s : statuses) {
            b.append("<").append(s.recipient().address()).append(">: ").append(s.action().field());
            if (s.diagnosticCode() != null) {
                b.append(", ").append(s.remoteMta() != null ? s.remoteMta() + " said: " : "").append(s.diagnosticCode());
            }
            if (s.willRetryUntil() != null) b.append(", retried until ").append(date(s.willRetryUntil()));
            b.append("\r\n");
        }
        return b.toString();
    }

    /** The message/delivery-status body: per-message fields, then one block per recipient (RFC 3464 2.1). */
    private static byte[] fields(String reportingMta, Envelope original, Instant arrival, List<RecipientStatus> statuses) {
        StringBuilder b = new StringBuilder(256 + 256 * statuses.size());
        b.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        if (original.envelopeId() != null) b.append("Original-Envelope-Id: ").append(original.envelopeId()).append("\r\n");
        if (arrival != null) b.append("Arrival-Date: ").append(date(arrival)).append("\r\n");
        for (RecipientStatus s : statuses) {
            b.append("\r\n");
            if (s.recipient().originalRecipient() != null) {
                b.append("Original-Recipient: ").append(s.recipient().originalRecipient()).append("\r\n");
            }
            b.append("Final-Recipient: rfc822; ").append(s.recipient().address()).append("\r\n");
            b.append("Action: ").append(s.action().field()).append("\r\n");
            b.append("Status: ").append(s.status()).append("\r\n");
            if (s.remoteMta() != null) b.append("Remote-MTA: dns; ").append(oneLine(s.remoteMta())).append("\r\n");
            if (s.diagnosticCode() != null) b.append("Diagnostic-Code: smtp; ").append(oneLine(s.diagnosticCode())).append("\r\n");
            if (s.lastAttempt() != null) b.append("Last-Attempt-Date: ").append(date(s.lastAttempt())).append("\r\n");
            if (s.willRetryUntil() != null) b.append("Will-Retry-Until: ").append(date(s.willRetryUntil())).append("\r\n");
        }
        return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A remote's reply may span lines; a field value must not. */
    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ").strip();
    }

    private static String date(Instant t) {
        return DATE.format(t.atZone(ZoneId.systemDefault()));
    }

    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        return in.readNBytes(limit);
    }

    /** The header section of a message, up to and including the empty line (or all of it when it has none). */
    static byte[] headerSection(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        int prev2 = -1, prev = -1;
        for (int c; (c = in.read()) >= 0 && out.size() < MAX_RETURNED; ) {
            out.write(c);
            if (c == '\n' && prev == '\r' && prev2 == '\n') break;
            if (c == '\n' && out.size() == 2 && prev == '\r') break;   // no headers at all
            prev2 = prev;
            prev = c;
        }
        return out.toByteArray();
    }

    private static boolean hasEightBit(byte[] b) {
        for (byte x : b) if (x < 0) return true;
        return false;
    }
}
