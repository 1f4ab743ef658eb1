package dev.portico.imap;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.event.MailEvent;
import jakarta.mail.event.MessageChangedEvent;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.MessageVanishedEvent;
import org.eclipse.angus.mail.imap.ResyncData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Thunderbird does with a large folder, through Jakarta Mail: remember UIDVALIDITY and
 * HIGHESTMODSEQ, and on the next open ask only for what changed meanwhile (RFC 7162 QRESYNC),
 * here after another session flagged, expunged and a delivery added.
 */
@Timeout(30)
class ImapResyncJakartaTest {

    @RegisterExtension
    final ImapFixture imap = new ImapFixture();

    @Test
    void qresyncReportsOnlyWhatAnotherSessionChanged() throws Exception {
        imap.start();
        for (String s : new String[] {"a", "b", "c"}) imap.deliver("alice", ImapFixture.message(s, s));
        Store store = imap.store("imap");
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE, ResyncData.CONDSTORE);
        long validity = inbox.getUIDValidity();
        long modseq = inbox.getHighestModSeq();
        long[] uids = {inbox.getUID(inbox.getMessage(1)), inbox.getUID(inbox.getMessage(2)), inbox.getUID(inbox.getMessage(3))};
        inbox.close(false);

        try (var other = imap.alice()) {
            ImapFixture.command(other, "s SELECT INBOX");
            ImapFixture.command(other, "f UID STORE " + uids[1] + " +FLAGS (\\Flagged)");
            ImapFixture.command(other, "d UID STORE " + uids[2] + " +FLAGS (\\Deleted)");
            ImapFixture.command(other, "e EXPUNGE");
        }
        imap.deliver("alice", ImapFixture.message("d", "d"));

        List<MailEvent> events = inbox.open(Folder.READ_WRITE, new ResyncData(validity, modseq));
        assertThat(inbox.getHighestModSeq()).isGreaterThan(modseq);
        List<Long> vanished = new ArrayList<>();
        List<Long> changed = new ArrayList<>();
        for (MailEvent e : events) {
            if (e instanceof MessageVanishedEvent v) {
                for (long u : v.getUIDs()) vanished.add(u);
            } else if (e instanceof MessageChangedEvent c) {
                Message m = c.getMessage();
                changed.add(inbox.getUID(m));
                if (inbox.getUID(m) == uids[1]) assertThat(m.isSet(Flags.Flag.FLAGGED)).isTrue();
            }
        }
        assertThat(vanished).containsExactly(uids[2]);
        // the untouched first message is not sent again; the flagged one and the new delivery are
        assertThat(changed).contains(uids[1]).doesNotContain(uids[0]).hasSize(2);
        assertThat(inbox.getMessageCount()).isEqualTo(3);
        assertThat(inbox.getMessage(3).getSubject()).isEqualTo("d");

        // CONDSTORE's CHANGEDSINCE alone, as a client without QRESYNC asks
        Message[] since = inbox.getMessagesByUIDChangedSince(1, jakarta.mail.UIDFolder.LASTUID, modseq);
        assertThat(since).extracting(inbox::getUID).contains(uids[1]).doesNotContain(uids[0]);
        inbox.close(false);
    }
}
