package dev.portico.imap;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Jakarta Mail's IMAP store (Angus) against the server: what a Java mail client does. */
@Timeout(30)
class ImapJakartaMailTest {

    @RegisterExtension
    final ImapFixture imap = new ImapFixture();

    @Test
    void readsWhatWasDeliveredWithStableUids() throws Exception {
        imap.start();
        imap.deliver("alice", ImapFixture.message("first", "hello one"));
        imap.deliver("alice", ImapFixture.message("second", "hello two"));
        Store store = imap.store("imap");
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        Message[] messages = inbox.getMessages();
        assertThat(messages).hasSize(2);
        assertThat(messages[0].getSubject()).isEqualTo("first");
        assertThat(messages[1].getContent().toString()).contains("hello two");
        long uid = inbox.getUID(messages[1]);
        assertThat(inbox.getMessageByUID(uid).getSubject()).isEqualTo("second");
        assertThat(((UIDFolder) inbox).getUIDNext()).isEqualTo(uid + 1);
        inbox.close(false);
    }

    @Test
    void appendWithFlagsMoveAndFolders() throws Exception {
        imap.start();
        Store store = imap.store("imap");
        assertThat(Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName))
                .contains("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
        Folder projects = store.getFolder("Projects");
        assertThat(projects.create(Folder.HOLDS_MESSAGES)).isTrue();

        MimeMessage draft = new MimeMessage(Session.getInstance(new Properties()));
        draft.setFrom(new InternetAddress("alice@localhost"));
        draft.setSubject("appended");
        draft.setText("body text");
        draft.setFlags(new Flags(Flags.Flag.FLAGGED), true);
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        inbox.appendMessages(new Message[] {draft});
        assertThat(inbox.getMessageCount()).isEqualTo(1);
        Message m = inbox.getMessage(1);
        assertThat(m.isSet(Flags.Flag.FLAGGED)).isTrue();
        assertThat(m.getSubject()).isEqualTo("appended");

        inbox.moveMessages(new Message[] {m}, projects);
        assertThat(m.isExpunged()).isTrue();     // the server said EXPUNGE after the COPYUID
        projects.open(Folder.READ_ONLY);
        assertThat(projects.getMessageCount()).isEqualTo(1);
        assertThat(projects.getMessage(1).isSet(Flags.Flag.FLAGGED)).isTrue();
        projects.close(false);
        inbox.close(false);
        assertThat(store.getFolder("INBOX").getMessageCount()).isZero();   // STATUS of the closed folder
    }

    @Test
    void imapsAndIdleSeesADeliveryWithinASecond() throws Exception {
        imap.start("imap.implicit-port", "0");
        Store store = imap.store("imaps");
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        CountDownLatch arrived = new CountDownLatch(1);
        AtomicReference<Long> seenAfter = new AtomicReference<>();
        inbox.addMessageCountListener(new jakarta.mail.event.MessageCountAdapter() {
            @Override
            public void messagesAdded(jakarta.mail.event.MessageCountEvent e) {
                arrived.countDown();
            }
        });
        Thread idler = Thread.ofVirtual().start(() -> {
            try {
                inbox.idle(true);
            } catch (Exception e) {
                // the test fails on the latch instead
            }
        });
        Thread.sleep(200);     // let IDLE reach the server before the delivery
        long start = System.nanoTime();
        imap.deliver("alice", ImapFixture.message("pushed", "now"));
        assertThat(arrived.await(1, TimeUnit.SECONDS)).isTrue();
        seenAfter.set((System.nanoTime() - start) / 1_000_000);
        idler.join(5000);
        assertThat(inbox.getMessageCount()).isEqualTo(1);
        assertThat(seenAfter.get()).isLessThan(1000);
    }

    @Test
    void twoSessionsSeeEachOthersFlagsAndExpunges() throws Exception {
        imap.start();
        imap.deliver("alice", ImapFixture.message("a", "1"));
        imap.deliver("alice", ImapFixture.message("b", "2"));
        imap.deliver("alice", ImapFixture.message("c", "3"));
        try (var one = imap.alice(); var two = imap.alice()) {
            ImapFixture.command(one, "s SELECT INBOX");
            ImapFixture.command(two, "s SELECT INBOX");
            ImapFixture.command(one, "f STORE 2 +FLAGS.SILENT (\\Flagged)");
            assertThat(ImapFixture.command(two, "n NOOP")).anyMatch(l -> l.startsWith("* 2 FETCH (UID 2 FLAGS (\\Flagged)"));
            ImapFixture.command(one, "d STORE 1 +FLAGS.SILENT (\\Deleted)");
            ImapFixture.command(one, "e EXPUNGE");
            // FETCH by number must not announce the expunge; the NOOP after it does, renumbered
            assertThat(ImapFixture.command(two, "g FETCH 3 (UID)")).containsExactly("* 3 FETCH (UID 3)", "g OK FETCH completed");
            assertThat(ImapFixture.command(two, "h NOOP")).containsExactly("* 1 EXPUNGE", "h OK NOOP completed");
            assertThat(ImapFixture.command(two, "i FETCH 1:* (UID)")).containsExactly(
                    "* 1 FETCH (UID 2)", "* 2 FETCH (UID 3)", "i OK FETCH completed");
        }
    }

    @Test
    void uidsSurviveARestart() throws Exception {
        imap.start();
        imap.deliver("alice", ImapFixture.message("a", "1"));
        imap.deliver("alice", ImapFixture.message("b", "2"));
        java.util.List<String> before;
        try (var c = imap.alice()) {
            before = ImapFixture.command(c, "s SELECT INBOX");
            ImapFixture.command(c, "d STORE 1 +FLAGS (\\Deleted)");
            ImapFixture.command(c, "e EXPUNGE");
        }
        imap.close();
        imap.awaitNoSessions();
        imap.start();
        try (var c = imap.alice()) {
            java.util.List<String> after = ImapFixture.command(c, "s SELECT INBOX");
            String validity = before.stream().filter(l -> l.startsWith("* OK [UIDVALIDITY")).findFirst().orElseThrow();
            assertThat(after).contains(validity, "* OK [UIDNEXT 3] predicted next UID");
            assertThat(ImapFixture.command(c, "f FETCH 1:* (UID)")).containsExactly("* 1 FETCH (UID 2)", "f OK FETCH completed");
        }
    }
}
