package dev.portico.junit;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import dev.portico.core.mail.MimeView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mail through a per-method Portico with SMTP and POP3: the strict default of the real server. */
@Timeout(60)
class MailTest {

    @RegisterExtension
    static PorticoExtension portico = PorticoExtension.builder().smtp().pop3()
            .withUser("alice", "alice-pw").withUser("bob", "bob-pw").build();

    private static Session session() {
        return Mails.session(portico.port("smtp"), portico.port("pop3"));
    }

    @Test
    void onlyTheChosenServersRun() {
        assertThat(portico.listeners()).containsOnlyKeys("smtp", "pop3");
        assertThat(portico.listeners().get("smtp").getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void receivedMailIsThereAsMimeMessageAsBytesAndByRecipient() throws Exception {
        Mails.send(session(), "alice@localhost, bob@localhost", "Report", "Numbers attached.\n");
        Mails.send(session(), "bob@localhost", "Second", "Only for Bob.\n");

        assertThat(portico.waitForIncomingMail(2, Duration.ofSeconds(10))).isTrue();
        assertThat(portico.receivedMessages()).extracting(MimeMessage::getSubject).containsExactly("Report", "Second");
        assertThat(portico.receivedMessagesFor("alice@localhost")).extracting(MimeMessage::getSubject).containsExactly("Report");
        assertThat(portico.receivedMessagesFor("BOB@localhost")).hasSize(2);
        assertThat(portico.received().get(0).recipients()).containsExactly("alice@localhost", "bob@localhost");
        assertThat(portico.received().get(0).sender()).isEqualTo("sender@example.org");
        // The recorded bytes are the stored bytes, Return-Path and Received first.
        byte[] raw = portico.receivedRawMessagesFor("alice@localhost").get(0);
        assertThat(new String(raw, StandardCharsets.UTF_8)).startsWith("Return-Path: <sender@example.org>\r\nReceived: from ");
        assertThat(portico.mailbox("alice").raw()).containsExactly(raw);
        assertThat(portico.mailbox("bob").size()).isEqualTo(2);
    }

    @Test
    void waitingForMailThatDoesNotComeEndsAtTheTimeout() {
        assertThat(portico.waitForIncomingMail(1, Duration.ofMillis(50))).isFalse();
    }

    @Test
    void awaitMessagesReturnsTheMailDecodedOnceItCame() throws Exception {
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);       // after the wait has begun
                Mails.send(session(), "alice@localhost", "First", "one\n");
                Mails.send(session(), "bob@localhost", "Second", "two\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(portico.awaitMessages(2)).extracting(MimeView::subject).containsExactly("First", "Second");
        sender.join(10_000);
        assertThat(portico.awaitMessages(1).get(0).text()).isEqualToIgnoringNewLines("one");
    }

    @Test
    void awaitMessagesFailsTheTestWhenTooFewCame() throws Exception {
        Mails.send(session(), "alice@localhost", "Only", "one\n");
        assertThatThrownBy(() -> portico.awaitMessages(2, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class).hasMessage("expected 2 messages within 50 ms, 1 came");
    }

    @Test
    void mailboxDecodesTextHtmlAndAttachments() throws Exception {
        byte[] attachment = new byte[20_000];
        new Random(3).nextBytes(attachment);
        Mails.sendRich(session(), "alice@localhost", "data.bin", attachment);

        MimeView m = portico.mailbox("alice").messages().get(0);
        assertThat(m.subject()).isEqualTo("Grüße");
        assertThat(m.text()).isEqualToIgnoringNewLines("Hello in text");
        assertThat(m.html()).isEqualTo("<p>Hello in <b>HTML</b></p>");
        assertThat(m.attachments()).extracting(MimeView.Part::fileName).containsExactly("data.bin");
        assertThat(m.attachment("data.bin").orElseThrow().bytes()).isEqualTo(attachment);
        assertThat(portico.received().get(0).view().attachment("data.bin")).isPresent();
    }

    @Test
    void theStrictDefaultRefusesUnknownUsersAndOtherDomains() {
        assertThatThrownBy(() -> Mails.send(session(), "nobody@localhost", "x", "x")).isInstanceOf(SendFailedException.class)
                .hasStackTraceContaining("550 5.1.1");
        assertThatThrownBy(() -> Mails.send(session(), "alice@example.org", "x", "x")).isInstanceOf(SendFailedException.class);
        assertThat(portico.received()).isEmpty();
    }

    @Test
    void mailIsReadBackOverPop3AndPurgeEmptiesEverything() throws Exception {
        Mails.send(session(), "alice@localhost", "Read me", "Body\n");
        Store pop3 = session().getStore("pop3");
        pop3.connect("alice", "alice-pw");
        try {
            Folder inbox = pop3.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessages()).extracting(Message::getSubject).containsExactly("Read me");
            inbox.close(false);
        } finally {
            pop3.close();
        }
        portico.purge();
        assertThat(portico.received()).isEmpty();
        assertThat(portico.mailbox("alice").size()).isZero();
    }

    @Test
    void theNextDeliveriesFailWithTheChosenReplyThenMailFlowsAgain() throws Exception {
        portico.failNextDeliveries(2, 451, "4.3.0 Try again later");
        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThatThrownBy(() -> Mails.send(session(), "alice@localhost", "Retry", "x"))
                    .hasStackTraceContaining("451 4.3.0 Try again later");
        }
        Mails.send(session(), "alice@localhost", "Retry", "x");
        assertThat(portico.received()).hasSize(1);
        assertThat(portico.mailbox("alice").size()).isEqualTo(1);
    }

    @Test
    void aHeldBackDeliveryAnswersLate() throws Exception {
        portico.delayDeliveries(Duration.ofMillis(300));
        long start = System.nanoTime();
        Mails.send(session(), "alice@localhost", "slow", "x");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
        portico.delayDeliveries(Duration.ZERO);
        assertThat(portico.received()).hasSize(1);
    }

    @Test
    void usersChangeWhileItRuns() throws Exception {
        portico.addUser("carol", "carol-pw");
        Mails.send(session(), "carol@localhost", "Hi Carol", "x");
        assertThat(portico.mailbox("carol").size()).isEqualTo(1);

        portico.setPassword("carol", "new-pw");
        Store pop3 = session().getStore("pop3");
        assertThatThrownBy(() -> pop3.connect("carol", "carol-pw")).isInstanceOf(AuthenticationFailedException.class);
        pop3.connect("carol", "new-pw");
        pop3.close();

        assertThat(portico.removeUser("carol")).isTrue();
        assertThatThrownBy(() -> Mails.send(session(), "carol@localhost", "x", "x")).isInstanceOf(SendFailedException.class);
        assertThat(portico.users()).containsExactly("alice", "bob");
    }

    @Test
    void rawMessagesKeepTheirBytes() throws Exception {
        MimeMessage m = new MimeMessage(session(), new ByteArrayInputStream(
                "From: a@example.org\r\nTo: alice@localhost\r\nSubject: raw\r\n\r\n.leading dot\r\n".getBytes(StandardCharsets.US_ASCII)));
        jakarta.mail.Transport.send(m);
        assertThat(new String(portico.receivedRawMessages().get(0), StandardCharsets.US_ASCII)).endsWith("\r\n\r\n.leading dot\r\n");
    }
}
