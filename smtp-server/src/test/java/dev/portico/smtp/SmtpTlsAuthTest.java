package dev.portico.smtp;

import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import dev.portico.testing.TestTls;
import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** STARTTLS (RFC 3207), AUTH PLAIN/LOGIN (RFC 4954), the submission listener and TLS-only policies. */
@Timeout(30)
class SmtpTlsAuthTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final SmtpTestSupport smtp = new SmtpTestSupport();

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String plain(String user, String password) {
        return b64("\0" + user + "\0" + password);
    }

    private static List<String> ehlo(RawClient c) throws IOException {
        c.send("EHLO client.example");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String line = c.readLine();
            lines.add(line);
            if (line.charAt(3) == ' ') break;
        }
        return lines;
    }

    private RawClient tlsGreeted() throws IOException {
        RawClient c = smtp.greeted();
        c.send("STARTTLS");
        assertThat(c.readLine()).isEqualTo(SmtpReplies.READY_FOR_TLS.toString());
        c.startTls();
        return c;
    }

    @Test
    void commandsPipelinedAfterStarttlsAreDiscarded() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.sendRaw("STARTTLS\r\nNOOP\r\nMAIL FROM:<evil@example.org>\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.READY_FOR_TLS.toString());
            c.startTls();
            // The first answer after the handshake is to EHLO: the injected NOOP and MAIL were never read.
            List<String> lines = ehlo(c);
            assertThat(lines.get(0)).startsWith("250-localhost Hello client.example");
            c.send("RCPT TO:<alice@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NEED_MAIL.toString());
        }
    }

    @Test
    void afterStarttlsTheClientStartsOverAndAuthIsOffered() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.send("AUTH PLAIN " + plain("alice", TestServices.ALICE_PASSWORD));
            assertThat(c.readLine()).isEqualTo(SmtpReplies.ENCRYPTION_REQUIRED.toString());
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250");
            c.send("STARTTLS");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NOT_IN_TRANSACTION.toString());
            c.send("RSET");
            c.expect("250");
            c.send("STARTTLS");
            c.expect("220 2.0.0");
            c.startTls();
            c.send("MAIL FROM:<a@example.org>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.SEND_HELO_FIRST.toString());
            List<String> lines = ehlo(c);
            assertThat(lines).contains("250-AUTH PLAIN LOGIN").doesNotContain("250-STARTTLS");
            c.send("STARTTLS");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.ALREADY_TLS.toString());
        }
    }

    @Test
    void authPlainAndLoginOverTls() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.max-auth-failures", "5"));
        try (RawClient c = tlsGreeted()) {
            ehlo(c);
            c.send("AUTH CRAM-MD5");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.UNSUPPORTED_MECHANISM.toString());
            c.send("AUTH PLAIN " + plain("alice", "wrong"));
            assertThat(c.readLine()).isEqualTo(SmtpReplies.AUTH_FAILED.toString());
            c.send("AUTH PLAIN");
            assertThat(c.readLine()).isEqualTo("334 ");
            c.send("*");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.AUTH_CANCELLED.toString());
            c.send("AUTH PLAIN " + b64("bob\0alice\0" + TestServices.ALICE_PASSWORD));   // acting for someone else
            assertThat(c.readLine()).isEqualTo(SmtpReplies.AUTH_FAILED.toString());
            c.send("AUTH PLAIN not-base64!");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.AUTH_BAD_BASE64.toString());
            c.send("AUTH PLAIN");
            c.expect("334");
            c.send(plain("alice", TestServices.ALICE_PASSWORD));
            assertThat(c.readLine()).isEqualTo(SmtpReplies.AUTH_OK.toString());
            c.send("AUTH PLAIN " + plain("alice", TestServices.ALICE_PASSWORD));
            assertThat(c.readLine()).isEqualTo(SmtpReplies.ALREADY_AUTHENTICATED.toString());
        }
        try (RawClient c = tlsGreeted()) {
            ehlo(c);
            c.send("AUTH LOGIN");
            assertThat(c.readLine()).isEqualTo("334 VXNlcm5hbWU6");
            c.send(b64("bob"));
            assertThat(c.readLine()).isEqualTo("334 UGFzc3dvcmQ6");
            c.send(b64(TestServices.BOB_PASSWORD));
            assertThat(c.readLine()).isEqualTo(SmtpReplies.AUTH_OK.toString());
        }
        try (RawClient c = tlsGreeted()) {
            ehlo(c);
            c.send("AUTH LOGIN " + b64("bob"));
            assertThat(c.readLine()).isEqualTo("334 UGFzc3dvcmQ6");
            c.send(b64("nope"));
            assertThat(c.readLine()).isEqualTo(SmtpReplies.AUTH_FAILED.toString());
        }
    }

    @Test
    void repeatedAuthFailuresCloseTheSession() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.max-auth-failures", "2"));
        try (RawClient c = tlsGreeted()) {
            ehlo(c);
            c.send("AUTH PLAIN " + plain("alice", "x"));
            c.expect("535 5.7.8");
            c.send("AUTH PLAIN " + plain("alice", "y"));
            assertThat(c.readLine()).startsWith("421 4.7.0 localhost Too many failed authentication attempts");
            c.expectClosed();
        }
    }

    @Test
    void plaintextAuthCanBeAllowed() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.auth.plaintext", "true"));
        try (RawClient c = new RawClient(smtp.port())) {
            c.expect("220");
            assertThat(ehlo(c)).contains("250-AUTH PLAIN LOGIN", "250-STARTTLS");
            c.send("AUTH PLAIN " + plain("bob", TestServices.BOB_PASSWORD));
            c.expect("235 2.7.0");
            c.send("MAIL FROM:<bob@localhost>");
            c.expect("250");
            c.send("RCPT TO:<alice@localhost>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("From: bob@localhost\r\n\r\nhi\r\n.\r\n");
            c.expect("250 2.0.0");
        }
        assertThat(smtp.onlyMessage("alice")).contains("with ESMTPA");
    }

    @Test
    void tlsRequiredRefusesMailAndAuthBeforeStarttls() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.tls.required", "true"));
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<a@example.org>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.TLS_REQUIRED.toString());
            c.send("AUTH PLAIN " + plain("alice", TestServices.ALICE_PASSWORD));
            assertThat(c.readLine()).isEqualTo(SmtpReplies.TLS_REQUIRED.toString());
        }
        try (RawClient c = tlsGreeted()) {
            ehlo(c);
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250 2.1.0");
        }
    }

    @Test
    void submissionListenerRequiresAuthAndStillDoesNotRelay() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.submission-port", "0"));
        assertThat(smtp.server.listeners()).containsOnlyKeys("smtp", "submission");
        assertThat(smtp.server.submissionPort()).isPositive().isNotEqualTo(smtp.port());
        try (RawClient c = new RawClient(smtp.server.submissionPort())) {
            c.expect("220 localhost");
            assertThat(ehlo(c)).noneMatch(l -> l.contains("AUTH"));
            c.send("MAIL FROM:<alice@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.AUTH_REQUIRED.toString());
            c.send("STARTTLS");
            c.expect("220");
            c.startTls();
            ehlo(c);
            c.send("MAIL FROM:<alice@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.AUTH_REQUIRED.toString());
            c.send("AUTH PLAIN " + plain("alice", TestServices.ALICE_PASSWORD));
            c.expect("235");
            c.send("MAIL FROM:<alice@localhost>");
            c.expect("250");
            c.send("RCPT TO:<someone@example.org>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.RELAY_DENIED.toString());
            c.send("RCPT TO:<bob@localhost>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("From: alice@localhost\r\nSubject: submitted\r\n\r\nhello bob\r\n.\r\n");
            c.expect("250 2.0.0");
        }
        String stored = smtp.onlyMessage("bob");
        assertThat(stored).contains("with ESMTPSA").contains("\tid ").contains("Subject: submitted");
    }

    @Test
    void commonsNetClientSendsOverStarttlsWithAuth() throws Exception {
        smtp.start(dir, SmtpTestSupport.settings("smtp.tls.required", "true"));
        AuthenticatingSMTPClient client = new AuthenticatingSMTPClient("TLS", false);
        client.setTrustManager(trustingTestCertificate());
        client.setDefaultTimeout(5000);
        client.connect("127.0.0.1", smtp.port());
        try {
            client.setSoTimeout(5000);
            assertThat(SMTPReply.isPositiveCompletion(client.getReplyCode())).isTrue();
            assertThat(client.elogin("client.example")).isTrue();
            assertThat(client.execTLS()).isTrue();
            assertThat(client.elogin("client.example")).isTrue();
            assertThat(client.getReplyStrings()).contains("250-AUTH PLAIN LOGIN");
            assertThat(client.auth(AuthenticatingSMTPClient.AUTH_METHOD.LOGIN, "alice", TestServices.ALICE_PASSWORD)).isTrue();
            assertThat(client.setSender("alice@localhost")).isTrue();
            assertThat(client.addRecipient("bob@localhost")).isTrue();
            assertThat(client.sendShortMessageData("From: alice@localhost\r\nSubject: tls\r\n\r\n.dot line\r\nbye\r\n")).isTrue();
            assertThat(client.logout()).isTrue();
        } finally {
            client.disconnect();
        }
        String stored = smtp.onlyMessage("bob");
        assertThat(stored).contains("with ESMTPSA").contains("(TLSv1.");
        assertThat(stored).endsWith("Subject: tls\r\n\r\n.dot line\r\nbye\r\n");
    }

    static TrustManager trustingTestCertificate() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("portico", TestTls.SERVER.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers()[0];
    }
}
