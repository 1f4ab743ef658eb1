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
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 11: who may relay (AUTH, smtp.relay.networks), the address tricks nobody may use, and sender ownership (RFC 6409). */
@Timeout(60)
class SmtpRelayTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final SmtpTestSupport smtp = new SmtpTestSupport();

    /** Each address that routes through its local part or a source route, or spells a foreign domain oddly. */
    private static final List<String> TRICKS = List.of(
            "bob%example.net@localhost",                  // %-hack
            "example.net!bob@localhost",                  // bang path
            "@localhost,@example.net:bob@example.net",    // source route
            "@example.net:alice@localhost",               // source route ending here
            "\"bob@example.net\"@localhost",              // quoted local part holding @
            "\"bob%example.net\"@localhost");

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void authenticate(RawClient c, String user, String password) throws IOException {
        c.send("AUTH PLAIN " + plain(user, password));
        c.expect("235");
    }

    private static void send(RawClient c, String text) throws IOException {
        c.send("DATA");
        c.expect("354");
        c.sendRaw(text + "\r\n.\r\n");
        c.expect("250 2.0.0");
    }

    @Test
    void everyTrickIsRefusedFromAnUnauthenticatedSessionAndOnlyLocalMailIsTaken() throws IOException {
        RelayingCapture capture = new RelayingCapture();
        smtp.start(dir, SmtpTestSupport.settings(), capture);
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<someone@example.org>");
            c.expect("250");
            for (String trick : TRICKS) {
                c.send("RCPT TO:<" + trick + ">");
                assertThat(c.readLine()).as(trick).isEqualTo(SmtpReplies.ROUTING_DENIED.toString());
            }
            for (String foreign : List.of("bob@example.net", "bob@EXAMPLE.NET", "bob@example.net.", "bob@Example.Net.",
                    "bob@[192.0.2.1]", "bob@localhost.example.net")) {
                c.send("RCPT TO:<" + foreign + ">");
                assertThat(c.readLine()).as(foreign).isEqualTo(SmtpReplies.RELAY_DENIED.toString())
                        .startsWith("554 5.7.1");
            }
            // Upper case and the absolute form name the local domain: taken as local mail, not relayed.
            c.send("RCPT TO:<alice@LOCALHOST.>");
            c.expect("250");
            c.send("RCPT TO:<bob@LocalHost>");
            c.expect("250");
            send(c, "Subject: local\r\n\r\nhi");
        }
        assertThat(capture.messages).hasSize(1);
        assertThat(capture.messages.peek().envelope().recipients()).containsExactly("alice@LOCALHOST", "bob@LocalHost");
        assertThat(capture.messages.peek().ctx().mayRelay()).isFalse();
    }

    @Test
    void theDefaultDeliveryRefusesTricksAndForeignDomainsWith554AndTakesTheAbsoluteLocalDomain() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<someone@example.org>");
            c.expect("250");
            for (String trick : TRICKS) {
                c.send("RCPT TO:<" + trick + ">");
                assertThat(c.readLine()).as(trick).startsWith("554 5.7.1");
            }
            c.send("RCPT TO:<bob@example.net.>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.RELAY_DENIED.toString());
            c.send("RCPT TO:<alice@LOCALHOST.>");
            c.expect("250");
            send(c, "Subject: absolute\r\n\r\nhi");
        }
        assertThat(smtp.onlyMessage("alice")).contains("Subject: absolute");
    }

    @Test
    void authenticatedSessionsRelayButStillNotThroughTricks() throws IOException {
        RelayingCapture capture = new RelayingCapture();
        smtp.start(dir, SmtpTestSupport.settings("smtp.auth.plaintext", "true"), capture);
        try (RawClient c = smtp.greeted()) {
            authenticate(c, "alice", TestServices.ALICE_PASSWORD);
            c.send("MAIL FROM:<alice@localhost>");
            c.expect("250");
            for (String trick : TRICKS) {
                c.send("RCPT TO:<" + trick + ">");
                assertThat(c.readLine()).as(trick).isEqualTo(SmtpReplies.ROUTING_DENIED.toString());
            }
            c.send("RCPT TO:<friend@example.net>");
            c.expect("250");
            send(c, "Subject: onward\r\n\r\nhi");
        }
        RelayingCapture.Captured m = capture.messages.peek();
        assertThat(m.envelope().recipients()).containsExactly("friend@example.net");
        assertThat(m.ctx().mayRelay()).isTrue();
        assertThat(m.ctx().authenticatedUser()).isEqualTo("alice");
    }

    @Test
    void jakartaMailSubmissionWithAuthRelaysToTheConfiguredHandler() throws Exception {
        RelayingCapture capture = new RelayingCapture();
        smtp.start(dir, SmtpTestSupport.settings("smtp.submission-port", "0"), capture);
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(smtp.server.submissionPort()));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "20000");     // a reply on a loaded 2-core CI machine; no timing claim
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", TestTls.CLIENT.getSocketFactory());
        p.put("mail.smtp.auth", "true");
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alice@localhost"));
        m.setRecipients(Message.RecipientType.TO, "someone@example.net, bob@localhost");
        m.setSubject("to the internet");
        m.setText("hello\n");
        Transport.send(m, "alice", TestServices.ALICE_PASSWORD);
        assertThat(capture.messages).hasSize(1);
        assertThat(capture.messages.peek().envelope().recipients()).containsExactly("someone@example.net", "bob@localhost");

        // Someone else's address as the sender: 553 5.7.1, nothing accepted.
        MimeMessage forged = new MimeMessage(session);
        forged.setFrom(new InternetAddress("bob@localhost"));
        forged.setRecipients(Message.RecipientType.TO, "someone@example.net");
        forged.setText("forged\n");
        assertThatThrownBy(() -> Transport.send(forged, "alice", TestServices.ALICE_PASSWORD))
                .isInstanceOf(SendFailedException.class)
                .hasStackTraceContaining("553 5.7.1");
        assertThat(capture.messages).hasSize(1);
    }

    @Test
    void relayNetworksMayRelayWithoutAuthOthersMayNot() throws IOException {
        RelayingCapture capture = new RelayingCapture();
        smtp.start(dir, SmtpTestSupport.settings("smtp.relay.networks", "10.0.0.0/8, 127.0.0.0/8"), capture);
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<app@example.org>");
            c.expect("250");
            c.send("RCPT TO:<someone@example.net>");
            c.expect("250");
            c.send("RCPT TO:<someone%else.example@example.net>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.ROUTING_DENIED.toString());
            send(c, "Subject: from the app server\r\n\r\nhi");
        }
        assertThat(capture.messages.peek().ctx().mayRelay()).isTrue();
        assertThat(capture.messages.peek().envelope().recipients()).containsExactly("someone@example.net");

        smtp.start(dir.resolve("second"), SmtpTestSupport.settings("smtp.relay.networks", "10.0.0.0/8,::1"), capture);
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<app@example.org>");
            c.expect("250");
            c.send("RCPT TO:<someone@example.net>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.RELAY_DENIED.toString());
        }
    }

    @Test
    void anAuthenticatedUserSendsOnlyAsThemselvesOrTheirAliases() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.auth.plaintext", "true",
                "smtp.sender-aliases", "alice:Sales@Example.org, alice:@alice.example, bob:bob@example.org"));
        try (RawClient c = smtp.greeted()) {
            authenticate(c, "alice", TestServices.ALICE_PASSWORD);
            for (String other : List.of("bob@localhost", "alice@example.net", "bob@example.org", "x@example.org",
                    "alice@sub.alice.example", "alice%localhost@example.net")) {
                c.send("MAIL FROM:<" + other + ">");
                assertThat(c.readLine()).as(other).isEqualTo(SmtpReplies.SENDER_NOT_OWNED.toString())
                        .startsWith("553 5.7.1");
            }
            for (String own : List.of("alice@localhost", "ALICE@LOCALHOST.", "sales@example.org", "SALES@example.org.",
                    "anything@alice.example", "")) {
                c.send("MAIL FROM:<" + own + ">");
                c.expect("250");
                c.send("RSET");
                c.expect("250");
            }
        }
        // Without AUTH there is no user to hold to an address: inbound mail has senders from anywhere.
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<bob@example.org>");
            c.expect("250");
        }
    }

    @Test
    void badRelayNetworksAndAliasesFailTheStartNamingTheKey() {
        assertThatThrownBy(() -> SmtpConfig.from(SmtpTestSupport.settings("smtp.relay.networks", "example.net")))
                .hasMessageContaining("smtp.relay.networks");
        assertThatThrownBy(() -> SmtpConfig.from(SmtpTestSupport.settings("smtp.sender-aliases", "sales@example.org")))
                .hasMessageContaining("smtp.sender-aliases");
    }
}
