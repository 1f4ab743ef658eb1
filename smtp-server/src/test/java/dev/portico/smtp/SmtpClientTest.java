package dev.portico.smtp;

import dev.portico.core.Reply;
import dev.portico.core.auth.User;
import dev.portico.core.mail.MailStore;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import dev.portico.testing.TestTls;
import jakarta.activation.DataHandler;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.apache.commons.net.smtp.SMTPClient;
import org.apache.commons.net.smtp.SMTPReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real clients (Jakarta Mail, Commons Net) end to end, pluggable delivery, and load. */
@Timeout(60)
class SmtpClientTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final SmtpTestSupport smtp = new SmtpTestSupport();

    private Session mailSession(boolean startTls) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(smtp.port()));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "20000");     // a reply on a loaded 2-core CI machine; no timing claim
        p.put("mail.smtp.writetimeout", "5000");
        p.put("mail.smtp.localhost", "client.example");
        if (startTls) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.socketFactory", TestTls.CLIENT.getSocketFactory());
            p.put("mail.smtp.ssl.checkserveridentity", "true");
            p.put("mail.smtp.auth", "true");
        }
        return Session.getInstance(p);
    }

    @Test
    void jakartaMailPlainSend() throws Exception {
        smtp.start(dir, SmtpTestSupport.settings());
        MimeMessage m = new MimeMessage(mailSession(false));
        m.setFrom(new InternetAddress("someone@example.org"));
        m.setRecipients(Message.RecipientType.TO, "alice@localhost");
        m.setSubject("plain");
        m.setText("Hello Alice\n.\n..\nbye\n");
        Transport.send(m);
        String stored = smtp.onlyMessage("alice");
        assertThat(stored).contains("Subject: plain\r\n").contains("\r\n\r\nHello Alice\r\n.\r\n..\r\nbye\r\n");
    }

    @Test
    void jakartaMailStarttlsAuthMultipartWithBinaryAttachmentIsByteExact() throws Exception {
        smtp.start(dir, SmtpTestSupport.settings("smtp.tls.required", "true"));
        Session session = mailSession(true);
        byte[] attachment = new byte[200_000];
        new Random(42).nextBytes(attachment);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alice@localhost"));
        m.setRecipients(Message.RecipientType.TO, "bob@localhost");
        m.setSubject("report with attachment", "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Grüße, see attached.\n.\nA line with a lone dot above.\n", "UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
        file.setFileName("data.bin");
        Multipart mp = new MimeMultipart();
        mp.addBodyPart(text);
        mp.addBodyPart(file);
        m.setContent(mp);
        m.saveChanges();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        m.writeTo(sent);
        try (Transport t = session.getTransport("smtp")) {
            t.connect("alice", TestServices.ALICE_PASSWORD);
            t.sendMessage(m, m.getAllRecipients());      // no second saveChanges: the bytes stay as written above
        }
        String stored = smtp.onlyMessage("bob");
        assertThat(stored).contains("with ESMTPSA");
        assertThat(SmtpTestSupport.withoutTrace(stored).getBytes(StandardCharsets.UTF_8)).isEqualTo(sent.toByteArray());
        MimeMessage back = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(stored.getBytes(StandardCharsets.UTF_8)));
        MimeMultipart parts = (MimeMultipart) back.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        try (InputStream in = parts.getBodyPart(1).getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(attachment);
        }
        assertThat(parts.getBodyPart(1).getFileName()).isEqualTo("data.bin");
    }

    @Test
    void jakartaMailWithWrongPasswordIsRefused() throws Exception {
        smtp.start(dir, SmtpTestSupport.settings("smtp.tls.required", "true"));
        try (Transport t = mailSession(true).getTransport("smtp")) {
            assertThatThrownBy(() -> t.connect("alice", "wrong"))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("535 5.7.8");
        }
    }

    @Test
    void commonsNetSmtpClientPlain() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        SMTPClient client = new SMTPClient();
        client.setDefaultTimeout(5000);
        client.connect("127.0.0.1", smtp.port());
        try {
            client.setSoTimeout(5000);
            assertThat(client.login("client.example")).isTrue();
            assertThat(client.sendSimpleMessage("x@example.org", new String[]{"alice@localhost", "bob@localhost"},
                    "Subject: commons\r\n\r\n.\r\nbody\r\n")).isTrue();
            assertThat(client.verify("alice")).isFalse();      // 252: neither yes nor no
            assertThat(client.getReplyCode()).isEqualTo(252);
            client.logout();
        } finally {
            client.disconnect();
        }
        assertThat(smtp.onlyMessage("bob")).contains("with SMTP").endsWith("Subject: commons\r\n\r\n.\r\nbody\r\n");
    }

    /**
     * RFC 5321 4.5.1: {@code Postmaster} (and {@code postmaster@domain}) must be accepted. With no
     * administrator in the user directory it was refused with 550; now it goes to the postmaster
     * Maildir whoever the administrators are.
     */
    @Test
    void postmasterIsAcceptedWithNoAdministrator() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        smtp.services.users().remove("alice");          // the only administrator
        assertThat(smtp.services.users().list()).noneMatch(User::isAdmin);
        SMTPClient client = new SMTPClient();
        client.setDefaultTimeout(5000);
        client.connect("127.0.0.1", smtp.port());
        try {
            client.setSoTimeout(5000);
            assertThat(client.login("client.example")).isTrue();
            assertThat(client.setSender("")).isTrue();
            assertThat(client.addRecipient("Postmaster")).as(client.getReplyString()).isTrue();
            assertThat(client.addRecipient("POSTMASTER@localhost")).as(client.getReplyString()).isTrue();
            assertThat(client.sendShortMessageData("Subject: to whom it may concern\r\n\r\nhello\r\n")).isTrue();
            client.logout();
        } finally {
            client.disconnect();
        }
        assertThat(smtp.onlyMessage(MailStore.POSTMASTER)).startsWith("Return-Path: <>\r\n")
                .endsWith("Subject: to whom it may concern\r\n\r\nhello\r\n");
    }

    /** What an embedding test does: capture mail in memory instead of the Maildir. */
    static final class Capture implements DeliveryHandler {
        record Captured(SmtpContext ctx, Envelope envelope, byte[] body) {}
        final ConcurrentLinkedQueue<Captured> messages = new ConcurrentLinkedQueue<>();

        @Override
        public Reply deliver(SmtpContext ctx, Envelope envelope, InputStream body) throws IOException {
            messages.add(new Captured(ctx, envelope, body.readAllBytes()));
            return SmtpReplies.DELIVERED;
        }
    }

    @Test
    void embeddingTestCapturesMailInMemory() throws Exception {
        Capture capture = new Capture();
        smtp.start(dir, SmtpTestSupport.settings(), capture);
        MimeMessage m = new MimeMessage(mailSession(false));
        m.setFrom(new InternetAddress("app@example.org"));
        m.setRecipients(Message.RecipientType.TO, "anyone@anywhere.example, other@else.example");
        m.setSubject("captured");
        m.setText("in memory");
        Transport.send(m);
        assertThat(capture.messages).hasSize(1);
        Capture.Captured c = capture.messages.peek();
        assertThat(c.envelope().sender()).isEqualTo("app@example.org");
        assertThat(c.envelope().recipients()).containsExactly("anyone@anywhere.example", "other@else.example");
        assertThat(c.envelope().body()).isEqualTo("7BIT");
        assertThat(c.envelope().declaredSize()).isEqualTo(-1);
        assertThat(c.ctx().heloName()).isEqualTo("client.example");
        assertThat(c.ctx().tls()).isFalse();
        assertThat(new String(c.body(), StandardCharsets.UTF_8)).startsWith("Received: from client.example")
                .contains("Subject: captured\r\n").endsWith("in memory\r\n");
        assertThat(smtp.messages("alice")).isEmpty();
    }

    @Test
    void failingDeliveryGives451AndTheSessionGoesOn() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings(), (ctx, env, body) -> {
            throw new IOException("disk full");
        });
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250");
            c.send("RCPT TO:<x@example.org>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("Subject: x\r\n\r\nx\r\n.\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.LOCAL_ERROR.toString());
            c.send("NOOP");
            c.expect("250");
        }
    }

    @Test
    void discardDeliveryAcceptsAndStoresNothing() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.delivery", "discard"));
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250");
            c.send("RCPT TO:<alice@localhost>");
            c.expect("250");
            c.send("RCPT TO:<whoever@example.net>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("Subject: x\r\n\r\nx\r\n.\r\n");
            c.expect("250 2.0.0");
        }
        assertThat(smtp.messages("alice")).isEmpty();
    }

    @Test
    void thousandRecipientTransaction() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.max-recipients", "1000"));
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250");
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 1000; i++) batch.append("RCPT TO:<").append(i % 2 == 0 ? "alice" : "bob").append("@localhost>\r\n");
            c.sendRaw(batch.toString());
            for (int i = 0; i < 1000; i++) c.expect("250 2.1.5");
            c.send("RCPT TO:<alice@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.TOO_MANY_RECIPIENTS.toString());
            c.send("DATA");
            c.expect("354");
            c.sendRaw("Subject: many\r\n\r\nx\r\n.\r\n");
            c.expect("250 2.0.0");
        }
        assertThat(smtp.messages("alice")).hasSize(1);
        assertThat(smtp.messages("bob")).hasSize(1);
    }

    @Test
    void hundredConcurrentSessions() throws Exception {
        smtp.start(dir, SmtpTestSupport.settings());
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    SMTPClient client = new SMTPClient();
                    client.setDefaultTimeout(10_000);
                    client.connect("127.0.0.1", smtp.port());
                    try {
                        client.setSoTimeout(10_000);
                        boolean ok = SMTPReply.isPositiveCompletion(client.getReplyCode()) && client.login("c" + n)
                                && client.sendSimpleMessage("s" + n + "@example.org", "alice@localhost",
                                "Subject: " + n + "\r\n\r\nmessage " + n + "\r\n");
                        client.logout();
                        return ok;
                    } finally {
                        client.disconnect();
                    }
                }));
            }
            for (Future<Boolean> f : results) assertThat(f.get()).isTrue();
        }
        assertThat(smtp.messages("alice")).hasSize(100);
    }

}
