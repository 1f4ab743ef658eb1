package dev.portico.smtp.relay;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.portico.core.Reply;
import dev.portico.testing.TestServices;
import dev.portico.testing.TestTls;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Mail sent onward: to a smart host, to MX hosts found in a test DNS server, retried, bounced. */
@Timeout(60)
class RelayDeliveryTest {

    @TempDir
    Path dir;

    private static MimeMessage message(Session session, String to, String text) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alice@localhost"));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject("relayed");
        m.setSentDate(new Date());
        m.setText(text);
        m.saveChanges();
        return m;
    }

    private static byte[] bytes(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    /** The text without the {@code Received:} fields put in front of it on the way. */
    private static String withoutTrace(byte[] text) {
        String s = new String(text, StandardCharsets.ISO_8859_1);
        while (s.startsWith("Received:")) {
            int end = s.indexOf("\r\n");
            while (s.startsWith("\t", end + 2) || s.startsWith(" ", end + 2)) end = s.indexOf("\r\n", end + 2);
            s = s.substring(end + 2);
        }
        return s;
    }

    private Path trustStore() throws Exception {
        Path pem = dir.resolve("trust.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(TestTls.SERVER.certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        return pem;
    }

    @Test
    void smartHostWithStartTlsAndAuthGetsTheMessageByteExact() throws Exception {
        try (var remote = new RelayTestSupport.Remote(dir.resolve("remote"), null, "smtp.tls.required", "true");
             var relay = new RelayTestSupport(dir.resolve("relay"), "smtp.relay.host", "localhost:" + remote.port(),
                     "smtp.relay.tls", "required", "smtp.relay.trust-store", trustStore().toString(),
                     "smtp.relay.username", "alice", "smtp.relay.password", TestServices.ALICE_PASSWORD)) {
            MimeMessage m = message(relay.session(), "someone@example.net", "line one\r\n.a line with a dot\r\n..two\r\n");
            relay.send(m);
            RelayTestSupport.Received got = remote.received.poll(20, TimeUnit.SECONDS);
            assertThat(got).as("delivered to the smart host").isNotNull();
            assertThat(got.envelope().sender()).isEqualTo("alice@localhost");
            assertThat(got.envelope().recipients()).containsExactly("someone@example.net");
            assertThat(withoutTrace(got.text())).isEqualTo(new String(bytes(m), StandardCharsets.ISO_8859_1));
            // The remote's trace header says the relay came over TLS with AUTH (RFC 3848 ESMTPSA).
            assertThat(new String(got.text(), StandardCharsets.ISO_8859_1)).contains("with ESMTPSA");
            RelayTestSupport.await(Duration.ofSeconds(5), () -> relay.queue.messages().isEmpty());
            assertThat(relay.attempts).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo("sent");
                assertThat(a.dsn()).isEqualTo("2.0.0");
                assertThat(a.relay()).startsWith("localhost[127.0.0.1]:" + remote.port());
            });
        }
    }

    @Test
    void mailFromALocalDomainLeavesDkimSignedAndVerifies() throws Exception {
        var dkim = new dev.portico.smtp.dkim.Dkim(dev.portico.smtp.dkim.DkimConfig.from(dev.portico.core.Settings.empty()),
                dir.resolve("dkim"), dev.portico.core.mail.MailDomains.of("localhost"));
        try (var remote = new RelayTestSupport.Remote(dir.resolve("remote"), null);
             var relay = new RelayTestSupport(dir.resolve("relay"), dkim, "smtp.relay.host", "127.0.0.1:" + remote.port())) {
            MimeMessage m = message(relay.session(), "someone@example.net", "signed on the way out\r\n");
            relay.send(m);
            RelayTestSupport.Received got = remote.received.poll(20, TimeUnit.SECONDS);
            assertThat(got).isNotNull();
            String text = withoutTrace(got.text());
            // Byte-exact apart from the trace and the signature (one field, put before the relay's Received:).
            String original = new String(bytes(m), StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n");
            while (text.startsWith(" ", end + 2) || text.startsWith("\t", end + 2)) end = text.indexOf("\r\n", end + 2);
            assertThat(withoutTrace(text.substring(end + 2).getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(original);
            String record = "v=DKIM1; k=rsa; p=" + dkim.key("localhost").publicKeyData();
            var verifier = new org.apache.james.jdkim.DKIMVerifier((method, selector, domain) -> List.of(record));
            assertThat(verifier.verify(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)))).isNotEmpty();
        }
    }

    @Test
    void requiredTlsWithAnUntrustedCertificateDefersAndKeepsTheMessage() throws Exception {
        try (var remote = new RelayTestSupport.Remote(dir.resolve("remote"), null);
             var relay = new RelayTestSupport(dir.resolve("relay"), "smtp.relay.host", "localhost:" + remote.port(),
                     "smtp.relay.tls", "required")) {
            relay.send(message(relay.session(), "someone@example.net", "hello"));
            RelayTestSupport.await(Duration.ofSeconds(10), () -> !relay.attempts.isEmpty());
            assertThat(relay.attempts.get(0).status()).isEqualTo("deferred");
            assertThat(remote.received).isEmpty();
            assertThat(relay.queue.messages()).singleElement()
                    .satisfies(q -> assertThat(q.recipients().get(0).attempts()).isEqualTo(1));
        }
    }

    @Test
    void mxDeliveryFollowsTheDnsAndNullMxBounces() throws Exception {
        GreenMail mx = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mx.start();
        try (TestDnsServer dns = new TestDnsServer()
                .add("example.net. 60 IN MX 20 backup.example.net.")
                .add("example.net. 60 IN MX 10 mx.example.net.")
                .add("mx.example.net. 60 IN A 127.0.0.1")
                .add("backup.example.net. 60 IN A 127.0.0.1")
                .add("no-mail.example. 60 IN MX 0 .")
                .add("bare.example. 60 IN A 127.0.0.1");
             var relay = new RelayTestSupport(dir, "dns.servers", dns.address(),
                     "smtp.relay.mx-port", Integer.toString(mx.getSmtp().getPort()))) {
            relay.send(message(relay.session(), "carol@example.net", "to the MX"));
            relay.send(message(relay.session(), "dave@bare.example", "to the implicit MX"));
            assertThat(mx.waitForIncomingEmail(20_000, 2)).isTrue();
            assertThat(mx.getReceivedMessages()).extracting(x -> x.getAllRecipients()[0].toString())
                    .containsExactlyInAnyOrder("carol@example.net", "dave@bare.example");
            RelayTestSupport.await(Duration.ofSeconds(5), () -> relay.attempts.size() == 2);
            assertThat(relay.attempts).extracting(a -> a.relay())
                    .contains("mx.example.net[127.0.0.1]:" + mx.getSmtp().getPort(),
                            "bare.example[127.0.0.1]:" + mx.getSmtp().getPort());

            relay.send(message(relay.session(), "erin@no-mail.example", "nobody takes this"));
            relay.send(message(relay.session(), "frank@nowhere.example", "no such domain"));
            RelayTestSupport.await(Duration.ofSeconds(20), () -> relay.mailboxSize("alice") == 2);
            List<byte[]> bounces = relay.mailbox("alice");     // one listing: two would each order the pair anew
            List<String> statuses = List.of(bounceStatus(bounces.get(0)), bounceStatus(bounces.get(1)));
            assertThat(statuses).as(relay.attempts.toString()).containsExactlyInAnyOrder("5.1.10", "5.1.2");
            RelayTestSupport.await(Duration.ofSeconds(5), () -> relay.queue.messages().isEmpty());
        } finally {
            mx.stop();
        }
    }

    /** Parses a bounce as Jakarta Mail does: a multipart/report with a message/delivery-status part; returns its Status. */
    private static String bounceStatus(byte[] text) throws Exception {
        MimeMessage bounce = new MimeMessage(Session.getInstance(new java.util.Properties()), new ByteArrayInputStream(text));
        assertThat(bounce.getContentType()).startsWith("multipart/report");
        MimeMultipart parts = (MimeMultipart) bounce.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("message/delivery-status");
        assertThat(parts.getBodyPart(2).getContentType()).matches("(?s)(message/rfc822|text/rfc822-headers).*");
        String status = new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        int at = status.indexOf("Status: ");
        return status.substring(at + 8, status.indexOf("\r\n", at)).trim();
    }

    @Test
    void aRemoteRefusalBouncesToTheLocalSender() throws Exception {
        try (var remote = new RelayTestSupport.Remote(dir.resolve("remote"), Reply.of(550, "5.1.1 No such user here"));
             var relay = new RelayTestSupport(dir.resolve("relay"), "smtp.relay.host", "127.0.0.1:" + remote.port())) {
            relay.send(message(relay.session(), "gone@example.net", "to nobody"));
            RelayTestSupport.await(Duration.ofSeconds(20), () -> relay.mailboxSize("alice") == 1);
            assertThat(bounceStatus(relay.mailbox("alice").get(0))).isEqualTo("5.1.1");
            assertThat(new String(relay.mailbox("alice").get(0), StandardCharsets.UTF_8))
                    .contains("Return-Path: <>", "Final-Recipient: rfc822; gone@example.net", "Subject: relayed");
            assertThat(relay.attempts).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo("bounced"));
            RelayTestSupport.await(Duration.ofSeconds(5), () -> relay.queue.messages().isEmpty());
        }
    }

    @Test
    void aRemoteDownAtFirstGetsTheMessageWhenItComesUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (var relay = new RelayTestSupport(dir, "smtp.relay.host", "127.0.0.1:" + port, "smtp.relay.retry", "1s")) {
            relay.send(message(relay.session(), "later@example.net", "eventually"));
            RelayTestSupport.await(Duration.ofSeconds(10), () -> !relay.attempts.isEmpty());
            assertThat(relay.attempts.get(0).status()).isEqualTo("deferred");
            assertThat(relay.attempts.get(0).dsn()).isEqualTo("4.4.1");
            GreenMail up = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            up.start();
            try {
                assertThat(up.waitForIncomingEmail(20_000, 1)).isTrue();
                assertThat(up.getReceivedMessages()[0].getSubject()).isEqualTo("relayed");
                RelayTestSupport.await(Duration.ofSeconds(5), () -> relay.queue.messages().isEmpty());
                assertThat(relay.attempts).last().satisfies(a -> assertThat(a.status()).isEqualTo("sent"));
            } finally {
                up.stop();
            }
        }
    }

    @Test
    void aQueuedMessageSurvivesARestartOfTheQueue() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (var relay = new RelayTestSupport(dir, "smtp.relay.host", "127.0.0.1:" + port, "smtp.relay.retry", "1s")) {
            relay.send(message(relay.session(), "later@example.net", "kept"));
            RelayTestSupport.await(Duration.ofSeconds(10), () -> !relay.attempts.isEmpty());
        }
        // What a crash can leave beside it: a text whose envelope was never written (no 250 was sent), a half-written envelope.
        Path orphan = Files.writeString(dir.resolve("queue/0190000000000001.eml"), "never acknowledged");
        Path half = Files.writeString(dir.resolve("queue/0190000000000002.env.tmp"), "id=0190");
        try (var remote = new RelayTestSupport.Remote(dir.resolve("remote"), null)) {
            try (var again = new RelayTestSupport(dir, "smtp.relay.host", "127.0.0.1:" + remote.port(), "smtp.relay.retry", "1s")) {
                // removed before the start returns; the envelopes themselves are read after it, by the queue's runner
                assertThat(orphan).doesNotExist();
                assertThat(half).doesNotExist();
                assertThat(again.queue.messages()).hasSize(1);
                RelayTestSupport.Received got = remote.received.poll(20, TimeUnit.SECONDS);
                assertThat(got).isNotNull();
                assertThat(new String(got.text(), StandardCharsets.UTF_8)).contains("kept");
                RelayTestSupport.await(Duration.ofSeconds(5), () -> again.queue.messages().isEmpty());
            }
        }
    }

    /** Submits one message over a raw connection with AUTH, with the given RCPT parameters. */
    private static void submit(RelayTestSupport relay, String to, String rcptParameters) throws Exception {
        try (var c = new dev.portico.testing.RawClient(relay.server.port())) {
            c.expect("220");
            c.send("EHLO client.example");
            c.expect("250 ");
            c.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(("\0alice\0" + TestServices.ALICE_PASSWORD)
                    .getBytes(StandardCharsets.UTF_8)));
            c.expect("235");
            c.send("MAIL FROM:<alice@localhost>");
            c.expect("250");
            c.send("RCPT TO:<" + to + ">" + rcptParameters);
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("From: alice@localhost\r\nSubject: dsn\r\n\r\nhello\r\n.\r\n");
            c.expect("250");
        }
    }

    private static String action(byte[] report) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new java.util.Properties()), new ByteArrayInputStream(report));
        MimeMultipart parts = (MimeMultipart) m.getContent();
        String fields = new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        int at = fields.indexOf("Action: ");
        return fields.substring(at + 8, fields.indexOf("\r\n", at)).trim();
    }

    @Test
    void aRemoteWithoutDsnMeansTheSenderHearsRelayedWhenAskedForSuccess() throws Exception {
        GreenMail remote = new GreenMail(ServerSetupTest.SMTP.dynamicPort());   // offers no DSN
        remote.start();
        try (var relay = new RelayTestSupport(dir, "smtp.relay.host", "127.0.0.1:" + remote.getSmtp().getPort())) {
            submit(relay, "ok@example.net", " NOTIFY=SUCCESS ORCPT=rfc822;ok@example.net");
            assertThat(remote.waitForIncomingEmail(20_000, 1)).isTrue();
            RelayTestSupport.await(Duration.ofSeconds(10), () -> relay.mailboxSize("alice") == 1);
            assertThat(action(relay.mailbox("alice").get(0))).isEqualTo("relayed");
        } finally {
            remote.stop();
        }
    }

    @Test
    void aRemoteWithDsnGetsTheRequestsPassedOn() throws Exception {
        try (var remote = new RelayTestSupport.Remote(dir.resolve("remote"), null);
             var relay = new RelayTestSupport(dir.resolve("relay"), "smtp.relay.host", "127.0.0.1:" + remote.port())) {
            submit(relay, "ok@example.net", " NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;first@example.net");
            RelayTestSupport.Received got = remote.received.poll(20, TimeUnit.SECONDS);
            assertThat(got).isNotNull();
            assertThat(got.envelope().rcpts()).singleElement().satisfies(r -> {
                assertThat(r.notifyParameter()).isEqualTo("SUCCESS,FAILURE");
                assertThat(r.originalRecipient()).isEqualTo("rfc822;first@example.net");
            });
            RelayTestSupport.await(Duration.ofSeconds(5), () -> relay.queue.messages().isEmpty());
            assertThat(relay.mailboxSize("alice")).as("the remote reports, not this side").isZero();
        }
    }

    @Test
    void aLateMessageIsReportedDelayedOnceAndStaysQueued() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (var relay = new RelayTestSupport(dir, "smtp.relay.host", "127.0.0.1:" + port, "smtp.relay.retry", "200ms",
                "smtp.relay.delay-warning", "1s")) {
            submit(relay, "late@example.net", " NOTIFY=DELAY,FAILURE");
            RelayTestSupport.await(Duration.ofSeconds(10), () -> relay.mailboxSize("alice") == 1);
            assertThat(action(relay.mailbox("alice").get(0))).isEqualTo("delayed");
            Thread.sleep(1500);   // more attempts: still one report
            assertThat(relay.mailboxSize("alice")).isEqualTo(1);
            assertThat(relay.queue.messages()).hasSize(1);
        }
    }

    @Test
    void anUnauthenticatedClientCannotRelay() throws Exception {
        try (var relay = new RelayTestSupport(dir);
             var c = new dev.portico.testing.RawClient(relay.server.port())) {
            c.expect("220");
            c.send("EHLO client.example");
            c.expect("250 ");
            c.send("MAIL FROM:<someone@example.org>");
            c.expect("250");
            c.send("RCPT TO:<victim@example.net>");
            assertThat(c.readLine()).startsWith("554 5.7.1");
            c.send("RCPT TO:<bob@localhost>");
            c.expect("250");
        }
    }
}
