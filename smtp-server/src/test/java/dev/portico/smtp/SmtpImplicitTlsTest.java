package dev.portico.smtp;

import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import dev.portico.testing.TestTls;
import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Submission over implicit TLS (RFC 8314, {@code smtp.implicit-port}): AUTH first, own senders only, Date and Message-ID added. */
@Timeout(30)
class SmtpImplicitTlsTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final SmtpTestSupport smtp = new SmtpTestSupport();

    private Session smtps() {
        Properties p = new Properties();
        p.put("mail.smtps.host", "127.0.0.1");
        p.put("mail.smtps.port", String.valueOf(smtp.server.implicitPort()));
        p.put("mail.smtps.connectiontimeout", "5000");
        p.put("mail.smtps.timeout", "5000");
        p.put("mail.smtps.localhost", "client.example");
        p.put("mail.smtps.ssl.socketFactory", TestTls.CLIENT.getSocketFactory());
        p.put("mail.smtps.ssl.checkserveridentity", "true");
        p.put("mail.smtps.auth", "true");
        return Session.getInstance(p);
    }

    @Test
    void jakartaMailSendsOverSmtpsWithAuthAndOnlyAsItsUser() throws Exception {
        smtp.start(dir, SmtpTestSupport.settings("smtp.implicit-port", "0"));
        assertThat(smtp.server.listeners()).containsKeys("smtp", "smtps");
        Session session = smtps();
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alice@localhost"));
        m.setRecipients(Message.RecipientType.TO, "bob@localhost");
        m.setSubject("over 465");
        m.setText("implicit TLS\n");
        try (Transport t = session.getTransport("smtps")) {
            t.connect("alice", TestServices.ALICE_PASSWORD);
            t.sendMessage(m, m.getAllRecipients());
        }
        String stored = smtp.onlyMessage("bob");
        assertThat(stored).contains("Subject: over 465").contains("with ESMTPSA");

        MimeMessage forged = new MimeMessage(session);
        forged.setFrom(new InternetAddress("bob@localhost"));
        forged.setRecipients(Message.RecipientType.TO, "bob@localhost");
        forged.setText("not alice\n");
        try (Transport t = session.getTransport("smtps")) {
            t.connect("alice", TestServices.ALICE_PASSWORD);
            assertThatThrownBy(() -> t.sendMessage(forged, forged.getAllRecipients()))
                    .isInstanceOf(SendFailedException.class).hasStackTraceContaining("553 5.7.1");
        }
        assertThat(smtp.messages("bob")).hasSize(1);
    }

    @Test
    void theImplicitPortWantsAuthAndAddsMissingDateAndMessageId() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.port", "off", "smtp.implicit-port", "0"));
        assertThat(smtp.server.listeners()).containsOnlyKeys("smtps");
        SSLSocket socket = (SSLSocket) TestTls.CLIENT.getSocketFactory().createSocket("127.0.0.1", smtp.server.implicitPort());
        socket.startHandshake();
        try (RawClient c = new RawClient(socket)) {
            c.expect("220 localhost");
            c.send("EHLO client.example");
            String last = c.expect("250 ");
            assertThat(last).isEqualTo("250 HELP");
            c.send("MAIL FROM:<alice@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.AUTH_REQUIRED.toString());
            c.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(
                    ("\0alice\0" + TestServices.ALICE_PASSWORD).getBytes(StandardCharsets.UTF_8)));
            c.expect("235");
            c.send("MAIL FROM:<alice@localhost>");
            c.expect("250");
            c.send("RCPT TO:<bob@localhost>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("From: alice@localhost\r\nSubject: bare\r\n\r\nno date, no id\r\n.\r\n");
            c.expect("250 2.0.0");
        }
        String stored = smtp.onlyMessage("bob");
        assertThat(stored).containsPattern("\r\nDate: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} ")
                .containsPattern("\r\nMessage-ID: <[^@>]+@localhost>\r\n");
    }
}
