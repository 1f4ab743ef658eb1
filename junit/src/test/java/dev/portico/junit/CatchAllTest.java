package dev.portico.junit;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** GreenMail's default behaviour: any recipient of any domain, any login. */
@Timeout(60)
class CatchAllTest {

    @RegisterExtension
    static PorticoExtension portico = PorticoExtension.builder().smtp().pop3().catchAll().authenticationDisabled().build();

    private static Session session() {
        return Mails.session(portico.port("smtp"), portico.port("pop3"));
    }

    @Test
    void anyRecipientGetsAMailboxOnFirstDelivery() throws Exception {
        Mails.send(session(), "Bob@Example.org, x+tag@other.net", "Hello", "Hi\n");

        assertThat(portico.receivedMessagesFor("bob@example.org")).extracting(MimeMessage::getSubject).containsExactly("Hello");
        assertThat(portico.receivedMessagesFor("x+tag@other.net")).hasSize(1);
        assertThat(portico.mailbox("bob").size()).isEqualTo(1);
        assertThat(portico.mailbox("x_tag").size()).isEqualTo(1);
        assertThat(portico.mailbox("nobody").size()).isZero();
    }

    @Test
    void anyLoginReadsTheMailboxItsAddressNames() throws Exception {
        Mails.send(session(), "bob@example.org", "For Bob", "Hi\n");
        Store pop3 = session().getStore("pop3");
        pop3.connect("bob@example.org", "any password at all");
        try {
            Folder inbox = pop3.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessages()).extracting(Message::getSubject).containsExactly("For Bob");
            inbox.close(false);
        } finally {
            pop3.close();
        }
    }
}
