package dev.portico.smtp.relay;

import dev.portico.smtp.Dsn;
import dev.portico.smtp.Envelope;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The RFC 3464 builder, its output read back by Jakarta Mail as a multipart/report. */
class DeliveryStatusReportTest {

    private static final String ORIGINAL = "Received: from client.example by mx.example.org;\r\n\tWed, 2 Dec 2026 08:00:00 +0000\r\n"
            + "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Grüße\r\nMessage-ID: <m1@example.org>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "Hallo Bob, schöne Grüße.\r\n";
    private static final Instant ARRIVAL = Instant.parse("2026-12-02T08:00:00Z");

    private static Envelope envelope(Dsn.Ret ret, String sender, Envelope.Recipient... rcpts) {
        return new Envelope(sender, List.of(rcpts), -1, "8BITMIME", false, ret, "env+id 1");
    }

    private static Optional<DeliveryStatusReport.Report> build(Envelope e, List<DeliveryStatusReport.RecipientStatus> statuses)
            throws Exception {
        return DeliveryStatusReport.build("mx.example.org", "example.org", e, ARRIVAL, statuses,
                new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8)));
    }

    private static MimeMessage parse(DeliveryStatusReport.Report r) throws Exception {
        Properties p = new Properties();
        p.put("mail.mime.allowutf8", "true");       // the original's raw UTF-8 Subject (RFC 6532)
        return new MimeMessage(Session.getInstance(p), new ByteArrayInputStream(r.message()));
    }

    private static String text(BodyPart part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aFailureReportHasTheThreePartsAndEveryField() throws Exception {
        Envelope.Recipient bob = new Envelope.Recipient("bob@example.net", Set.of(), "rfc822;Bob@Example.net");
        Envelope.Recipient carol = new Envelope.Recipient("carol@example.com", Set.of(Dsn.Notify.DELAY, Dsn.Notify.FAILURE), null);
        Instant attempt = ARRIVAL.plus(Duration.ofMinutes(5));
        Envelope e = envelope(null, "alice@example.org", bob, carol);
        DeliveryStatusReport.Report r = build(e, List.of(
                new DeliveryStatusReport.RecipientStatus(bob, DeliveryStatusReport.Action.FAILED, "5.1.1", "mx.example.net",
                        "550 5.1.1 <bob@example.net>: no such user\r\n", attempt, null),
                new DeliveryStatusReport.RecipientStatus(carol, DeliveryStatusReport.Action.DELAYED, "4.4.1", "mx.example.com",
                        "421 4.4.1 try later", attempt, ARRIVAL.plus(Duration.ofDays(5))))).orElseThrow();

        assertThat(r.envelope().sender()).isEmpty();
        assertThat(r.envelope().recipients()).containsExactly("alice@example.org");
        MimeMessage m = parse(r);
        assertThat(((InternetAddress) m.getFrom()[0]).getAddress()).isEqualTo("MAILER-DAEMON@example.org");
        assertThat(m.getRecipients(MimeMessage.RecipientType.TO)).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("alice@example.org");
        assertThat(m.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(m.getMessageID()).endsWith("@mx.example.org>");
        assertThat(m.getSentDate()).isNotNull();
        ContentType type = new ContentType(m.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");

        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat(text(parts.getBodyPart(0))).contains("mx.example.org", "<bob@example.net>: failed", "no such user");

        BodyPart status = parts.getBodyPart(1);
        assertThat(status.isMimeType("message/delivery-status")).isTrue();
        // RFC 3464 2.1: groups of header-like fields separated by empty lines: per message, then per recipient.
        String[] groups = text(status).split("\r\n\r\n");
        assertThat(groups).hasSize(3);
        InternetHeaders perMessage = headers(groups[0]);
        assertThat(perMessage.getHeader("Reporting-MTA", null)).isEqualTo("dns; mx.example.org");
        assertThat(perMessage.getHeader("Original-Envelope-Id", null)).isEqualTo("env+id 1");
        assertThat(perMessage.getHeader("Arrival-Date", null)).isNotBlank();
        InternetHeaders first = headers(groups[1]);
        assertThat(first.getHeader("Original-Recipient", null)).isEqualTo("rfc822;Bob@Example.net");
        assertThat(first.getHeader("Final-Recipient", null)).isEqualTo("rfc822; bob@example.net");
        assertThat(first.getHeader("Action", null)).isEqualTo("failed");
        assertThat(first.getHeader("Status", null)).isEqualTo("5.1.1");
        assertThat(first.getHeader("Remote-MTA", null)).isEqualTo("dns; mx.example.net");
        assertThat(first.getHeader("Diagnostic-Code", null)).isEqualTo("smtp; 550 5.1.1 <bob@example.net>: no such user");
        assertThat(first.getHeader("Last-Attempt-Date", null)).isNotBlank();
        assertThat(first.getHeader("Will-Retry-Until", null)).isNull();
        InternetHeaders second = headers(groups[2]);
        assertThat(second.getHeader("Original-Recipient", null)).isNull();
        assertThat(second.getHeader("Action", null)).isEqualTo("delayed");
        assertThat(second.getHeader("Status", null)).isEqualTo("4.4.1");
        assertThat(second.getHeader("Will-Retry-Until", null)).isNotBlank();

        // RET absent on a failure: the whole message, as message/rfc822, 8bit and untouched.
        BodyPart returned = parts.getBodyPart(2);
        assertThat(returned.isMimeType("message/rfc822")).isTrue();
        assertThat(returned.getHeader("Content-Transfer-Encoding")).containsExactly("8bit");
        MimeMessage original = (MimeMessage) returned.getContent();
        assertThat(original.getSubject()).isEqualTo("Grüße");
        assertThat(new String(r.message(), StandardCharsets.UTF_8)).contains(ORIGINAL);
        assertThat(r.envelope().body()).isEqualTo("8BITMIME");
    }

    private static InternetHeaders headers(String group) throws Exception {
        return new InternetHeaders(new ByteArrayInputStream((group.strip() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void retHdrsReturnsTheHeaderSectionOnly() throws Exception {
        Envelope.Recipient bob = Envelope.Recipient.of("bob@example.net");
        DeliveryStatusReport.Report r = build(envelope(Dsn.Ret.HDRS, "alice@example.org", bob), List.of(
                new DeliveryStatusReport.RecipientStatus(bob, DeliveryStatusReport.Action.FAILED, "5.4.4", null,
                        null, null, null))).orElseThrow();
        MimeMultipart parts = (MimeMultipart) parse(r).getContent();
        assertThat(parts.getBodyPart(2).isMimeType("text/rfc822-headers")).isTrue();
        assertThat(text(parts.getBodyPart(2))).contains("Subject: Grüße").contains("Message-ID: <m1@example.org>")
                .doesNotContain("Hallo Bob");
        assertThat(text(parts.getBodyPart(1))).doesNotContain("Remote-MTA", "Diagnostic-Code");
    }

    @Test
    void noReportForTheNullSenderOrForRecipientsThatDidNotAsk() throws Exception {
        Envelope.Recipient never = new Envelope.Recipient("bob@example.net", Set.of(Dsn.Notify.NEVER), null);
        Envelope.Recipient successOnly = new Envelope.Recipient("carol@example.net", Set.of(Dsn.Notify.SUCCESS), null);
        Envelope.Recipient plain = Envelope.Recipient.of("dave@example.net");
        var failed = DeliveryStatusReport.Action.FAILED;
        assertThat(build(envelope(null, "", plain), List.of(
                new DeliveryStatusReport.RecipientStatus(plain, failed, "5.1.1", null, null, null, null)))).isEmpty();
        assertThat(build(envelope(null, "alice@example.org", never, successOnly), List.of(
                new DeliveryStatusReport.RecipientStatus(never, failed, "5.1.1", null, null, null, null),
                new DeliveryStatusReport.RecipientStatus(successOnly, failed, "5.1.1", null, null, null, null)))).isEmpty();
        // Without NOTIFY no success report either (RFC 3461 4.1: failures and delays only).
        assertThat(build(envelope(null, "alice@example.org", plain), List.of(
                new DeliveryStatusReport.RecipientStatus(plain, DeliveryStatusReport.Action.RELAYED, "2.0.0", null, null, null, null))))
                .isEmpty();
        // Only the recipients that asked are listed.
        DeliveryStatusReport.Report r = build(envelope(null, "alice@example.org", never, plain), List.of(
                new DeliveryStatusReport.RecipientStatus(never, failed, "5.1.1", null, null, null, null),
                new DeliveryStatusReport.RecipientStatus(plain, failed, "5.1.2", null, null, null, null))).orElseThrow();
        String status = text(((MimeMultipart) parse(r).getContent()).getBodyPart(1));
        assertThat(status).contains("dave@example.net").doesNotContain("bob@example.net");
    }
}
