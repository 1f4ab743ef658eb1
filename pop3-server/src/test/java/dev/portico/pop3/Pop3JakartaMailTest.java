package dev.portico.pop3;

import dev.portico.testing.TestTls;
import jakarta.mail.BodyPart;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Jakarta Mail's (Angus) POP3 store, plain and with STLS required, reading what was delivered. */
@Timeout(10)
class Pop3JakartaMailTest {

    @RegisterExtension
    final Pop3Fixture pop3 = new Pop3Fixture();

    private Store connect(boolean stls) throws MessagingException {
        return connect(stls, new Properties());
    }

    private Store connect(boolean stls, Properties p) throws MessagingException {
        p.put("mail.pop3.connectiontimeout", "5000");
        p.put("mail.pop3.timeout", "5000");
        if (stls) {
            p.put("mail.pop3.starttls.enable", "true");
            p.put("mail.pop3.starttls.required", "true");
            p.put("mail.pop3.ssl.socketFactory", TestTls.CLIENT.getSocketFactory());
            p.put("mail.pop3.ssl.checkserveridentity", "true");
        }
        Store store = Session.getInstance(p).getStore("pop3");
        store.connect("127.0.0.1", pop3.port(), "alice", Pop3Fixture.ALICE);
        return store;
    }

    private static byte[] attachmentOf(Message m) throws IOException, MessagingException {
        Multipart mp = (Multipart) m.getContent();
        assertThat(mp.getCount()).isEqualTo(2);
        BodyPart file = mp.getBodyPart(1);
        assertThat(file.getFileName()).isEqualTo("data.bin");
        try (InputStream in = file.getInputStream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsAMultipartMessageWithABinaryAttachmentExactly() throws Exception {
        pop3.start();
        byte[] attachment = TestMessages.binary(200_000, 42);
        byte[] message = TestMessages.multipart("Quarterly report ✓", attachment);
        pop3.deliver("alice", message);

        Store store = connect(false);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            Message m = inbox.getMessage(1);
            assertThat(m.getSubject()).isEqualTo("Quarterly report ✓");
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            m.writeTo(raw);
            assertThat(raw.toByteArray()).isEqualTo(message);
            assertThat(attachmentOf(m)).isEqualTo(attachment);
            Multipart mp = (Multipart) m.getContent();
            assertThat((String) mp.getBodyPart(0).getContent()).isEqualTo(TestMessages.DOTTY_TEXT);
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void uidsAreStableAndDeletionNeedsExpunge() throws Exception {
        pop3.start();
        for (int i = 1; i <= 3; i++) pop3.deliver("alice", TestMessages.simple("n" + i, "body\r\n"));
        String uid2;
        Store store = connect(false);
        try {
            POP3Folder inbox = (POP3Folder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            uid2 = inbox.getUID(inbox.getMessage(2));
            inbox.getMessage(1).setFlag(Flags.Flag.DELETED, true);
            inbox.close(true);    // DELE, then QUIT applies it
        } finally {
            store.close();
        }
        pop3.awaitNoSessions();
        store = connect(false);
        try {
            POP3Folder inbox = (POP3Folder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            assertThat(inbox.getMessageCount()).isEqualTo(2);
            assertThat(inbox.getUID(inbox.getMessage(1))).isEqualTo(uid2);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("n2");
            inbox.getMessage(1).setFlag(Flags.Flag.DELETED, true);
            inbox.close(false);   // no expunge: the mark is reset, nothing deleted
        } finally {
            store.close();
        }
        pop3.awaitNoSessions();
        store = connect(false);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(2);
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void logsInWithSaslPlain() throws Exception {
        pop3.start();
        pop3.deliver("alice", TestMessages.simple("sasl", "hello\r\n"));
        Properties p = new Properties();
        p.put("mail.pop3.auth.mechanisms", "PLAIN");   // AUTH PLAIN instead of USER/PASS
        Store store = connect(false, p);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("sasl");
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void readsOverStlsWhenTheServerRequiresTls() throws Exception {
        pop3.start("pop3.tls.required", "true");
        byte[] attachment = TestMessages.binary(30_000, 3);
        byte[] message = TestMessages.multipart("over tls", attachment);
        pop3.deliver("alice", message);
        Store store = connect(true);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message m = inbox.getMessage(1);
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            m.writeTo(raw);
            assertThat(raw.toByteArray()).isEqualTo(message);
            assertThat(attachmentOf(m)).isEqualTo(attachment);
            inbox.close(false);
        } finally {
            store.close();
        }
    }
}
