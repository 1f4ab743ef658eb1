package dev.portico.smtp;

import dev.portico.testing.RawClient;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DSN (RFC 3461) on the session side: parameters into the Envelope, success reports of local delivery; loop refusal. */
@Timeout(30)
class SmtpDsnTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final SmtpTestSupport smtp = new SmtpTestSupport();

    private static void data(RawClient c, String text, String expected) throws IOException {
        c.send("DATA");
        c.expect("354");
        c.sendRaw(text + "\r\n.\r\n");
        assertThat(c.readLine()).startsWith(expected);
    }

    @Test
    void dsnIsOfferedAndItsParametersReachTheEnvelope() throws IOException {
        RelayingCapture capture = new RelayingCapture();
        smtp.start(dir, SmtpTestSupport.settings("smtp.relay.networks", "127.0.0.1"), capture);
        try (RawClient c = new RawClient(smtp.port())) {
            c.expect("220");
            c.send("EHLO client.example");
            StringBuilder ehlo = new StringBuilder();
            for (String line; !(line = c.readLine()).startsWith("250 "); ) ehlo.append(line).append('\n');
            assertThat(ehlo.toString()).contains("250-DSN\n");
            c.send("MAIL FROM:<app@example.org> RET=hdrs ENVID=QQ314159+2Bx+3Dy");
            c.expect("250");
            c.send("RCPT TO:<alice@localhost> NOTIFY=success,FAILURE ORCPT=rfc822;Alice+40Example.org");
            c.expect("250");
            c.send("RCPT TO:<bob@localhost> NOTIFY=NEVER");
            c.expect("250");
            c.send("RCPT TO:<carol@example.net>");
            c.expect("250");
            c.send("RCPT TO:<dave@example.net> ORCPT=utf-8;dave+40example.net NOTIFY=DELAY");
            c.expect("250");
            data(c, "Subject: dsn\r\n\r\nhi", "250 2.0.0");
        }
        Envelope e = capture.messages.peek().envelope();
        assertThat(e.ret()).isEqualTo(Dsn.Ret.HDRS);
        assertThat(e.envelopeId()).isEqualTo("QQ314159+x=y");
        assertThat(Dsn.xtext(e.envelopeId())).isEqualTo("QQ314159+2Bx+3Dy");
        List<Envelope.Recipient> r = e.rcpts();
        assertThat(r).extracting(Envelope.Recipient::address)
                .containsExactly("alice@localhost", "bob@localhost", "carol@example.net", "dave@example.net");
        assertThat(r.get(0).notifyOn()).containsExactlyInAnyOrder(Dsn.Notify.SUCCESS, Dsn.Notify.FAILURE);
        assertThat(r.get(0).notifyParameter()).isEqualTo("SUCCESS,FAILURE");
        assertThat(r.get(0).originalRecipient()).isEqualTo("rfc822;Alice@Example.org");
        assertThat(Dsn.orcptParameter(r.get(0).originalRecipient())).isEqualTo("rfc822;Alice@Example.org");
        assertThat(Dsn.orcptParameter("rfc822;a+b=c d@example.org")).isEqualTo("rfc822;a+2Bb+3Dc+20d@example.org");
        assertThat(r.get(1).notifyOn()).containsExactly(Dsn.Notify.NEVER);
        assertThat(r.get(1).wants(Dsn.Notify.FAILURE)).isFalse();
        assertThat(r.get(2).notifyOn()).isEmpty();
        assertThat(r.get(2).notifyParameter()).isNull();
        assertThat(r.get(2).originalRecipient()).isNull();
        assertThat(r.get(2).wants(Dsn.Notify.FAILURE)).isTrue();
        assertThat(r.get(2).wants(Dsn.Notify.SUCCESS)).isFalse();
        assertThat(r.get(3).originalRecipient()).isEqualTo("utf-8;dave@example.net");
        assertThat(r.get(3).wants(Dsn.Notify.DELAY)).isTrue();
        assertThat(r.get(3).wants(Dsn.Notify.FAILURE)).isFalse();
    }

    @Test
    void malformedDsnParametersAre501AndNeedEhlo() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            for (String mail : List.of("RET=ALL", "RET", "ENVID=a+2", "ENVID=lower+2bcase", "ENVID=" + "x".repeat(101),
                    "RET=FULL RET=HDRS")) {
                c.send("MAIL FROM:<a@example.org> " + mail);
                assertThat(c.readLine()).as(mail).isEqualTo(SmtpReplies.BAD_PARAMETER.toString()).startsWith("501 5.5.4");
            }
            c.send("MAIL FROM:<a@example.org> RET=FULL ENVID=ok");
            c.expect("250");
            for (String rcpt : List.of("NOTIFY=NEVER,SUCCESS", "NOTIFY=SOMETIMES", "NOTIFY", "NOTIFY=SUCCESS,SUCCESS",
                    "NOTIFY=SUCCESS,", "ORCPT=rfc822", "ORCPT=rfc822;", "ORCPT=;a@b", "ORCPT=rfc822;a+zz@b",
                    "ORCPT=rfc822;a+0D+0AX-Injected:+20yes")) {
                c.send("RCPT TO:<alice@localhost> " + rcpt);
                assertThat(c.readLine()).as(rcpt).isEqualTo(SmtpReplies.BAD_PARAMETER.toString());
            }
            // RFC 3461 4.2: 500 characters at most (a command line of 512 cannot carry more anyway).
            assertThatThrownBy(() -> Dsn.parseOrcpt("rfc822;" + "x".repeat(494))).isInstanceOf(IllegalArgumentException.class);
            assertThat(Dsn.parseOrcpt("rfc822;" + "x".repeat(493))).hasSize(500);
            c.send("RCPT TO:<alice@localhost> NOTIFY=FAILURE FOO=bar");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.UNSUPPORTED_PARAMETER.toString());
            c.send("HELO client.example");
            c.expect("250");
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250");
            c.send("RCPT TO:<alice@localhost> NOTIFY=SUCCESS");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.PARAMETERS_NEED_EHLO.toString());
        }
    }

    @Test
    void localDeliveryWithNotifySuccessSendsADeliveredReportToTheSender() throws Exception {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<bob@localhost> RET=FULL ENVID=bob-42");
            c.expect("250");
            c.send("RCPT TO:<alice@localhost> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice+40localhost");
            c.expect("250");
            c.send("RCPT TO:<postmaster@localhost>");
            c.expect("250");
            data(c, "From: bob@localhost\r\nSubject: please confirm\r\n\r\nthe secret body", "250 2.0.0");
            // Not asked: no report.
            c.send("MAIL FROM:<bob@localhost>");
            c.expect("250");
            c.send("RCPT TO:<alice@localhost>");
            c.expect("250");
            data(c, "Subject: second\r\n\r\nx", "250 2.0.0");
            // From the null sender: never a report, asked or not.
            c.send("MAIL FROM:<>");
            c.expect("250");
            c.send("RCPT TO:<alice@localhost> NOTIFY=SUCCESS");
            c.expect("250");
            data(c, "Subject: third\r\n\r\nx", "250 2.0.0");
        }
        assertThat(smtp.messages("alice")).hasSize(3);
        String stored = smtp.onlyMessage("bob");
        assertThat(stored).startsWith("Return-Path: <>\r\n");
        MimeMessage report = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(stored.getBytes(StandardCharsets.UTF_8)));
        assertThat(((InternetAddress) report.getFrom()[0]).getAddress()).isEqualTo("MAILER-DAEMON@localhost");
        assertThat(report.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        ContentType type = new ContentType(report.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");
        MimeMultipart parts = (MimeMultipart) report.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat(parts.getBodyPart(1).isMimeType("message/delivery-status")).isTrue();
        String status = text(parts.getBodyPart(1));
        assertThat(status).contains("Reporting-MTA: dns; localhost\r\n", "Original-Envelope-Id: bob-42\r\n", "Arrival-Date: ",
                "Original-Recipient: rfc822;alice@localhost\r\n", "Final-Recipient: rfc822; alice@localhost\r\n",
                "Action: delivered\r\n", "Status: 2.0.0\r\n");
        assertThat(status).doesNotContain("postmaster");          // it asked for nothing
        // A success report carries the header section only, RET=FULL or not (RFC 3461 4.3).
        assertThat(parts.getBodyPart(2).isMimeType("text/rfc822-headers")).isTrue();
        assertThat(text(parts.getBodyPart(2))).contains("Subject: please confirm\r\n").doesNotContain("the secret body");
    }

    private static String text(BodyPart part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aMessageWithTooManyReceivedHeadersIsALoopAndRefused() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.max-received-headers", "3"));
        String hop = "Received: from a.example by b.example;\r\n\tWed, 2 Dec 2026 08:00:00 +0000\r\n";
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250");
            c.send("RCPT TO:<alice@localhost>");
            c.expect("250");
            data(c, hop.repeat(4) + "Subject: loop\r\n\r\nx", SmtpReplies.LOOP_DETECTED.toString());
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250");
            c.send("RCPT TO:<alice@localhost>");
            c.expect("250");
            // "Received:" in the body is no hop.
            data(c, hop.repeat(3) + "Subject: three hops\r\n\r\n" + hop.repeat(5), "250 2.0.0");
        }
        assertThat(smtp.onlyMessage("alice")).contains("Subject: three hops");
        assertThat(SmtpConfig.defaults().maxReceivedHeaders()).isEqualTo(100);
    }
}
