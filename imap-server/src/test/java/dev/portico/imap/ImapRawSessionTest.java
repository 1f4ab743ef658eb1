package dev.portico.imap;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The protocol over a raw socket: what RFC 9051 says the lines look like, command by command. */
@Timeout(20)
class ImapRawSessionTest {

    @RegisterExtension
    final ImapFixture imap = new ImapFixture();

    @Test
    void greetingAndCapabilitiesBeforeAndAfterLogin() throws IOException {
        imap.start();
        try (RawClient c = new RawClient(imap.port())) {
            assertThat(c.readLine()).startsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 ").contains("AUTH=PLAIN", "STARTTLS");
            List<String> caps = ImapFixture.command(c, "a CAPABILITY");
            assertThat(caps.get(0)).contains("LITERAL+", "SASL-IR", "IDLE").doesNotContain("LOGINDISABLED");
            assertThat(ImapFixture.command(c, "b LOGIN alice " + ImapFixture.ALICE).get(0))
                    .startsWith("b OK [CAPABILITY ").contains("UIDPLUS", "MOVE", "CONDSTORE", "QRESYNC", "APPENDLIMIT=");
            assertThat(ImapFixture.command(c, "c LOGOUT")).containsExactly("* BYE Portico IMAP server logging out", "c OK LOGOUT completed");
            c.expectClosed();
        }
    }

    @Test
    void selectAppendFetchStoreSearchExpunge() throws IOException {
        imap.start();
        try (RawClient c = imap.alice()) {
            List<String> select = ImapFixture.command(c, "s SELECT inbox");
            assertThat(select).contains("* 0 EXISTS", "* 0 RECENT").anyMatch(l -> l.startsWith("* OK [UIDVALIDITY "))
                    .anyMatch(l -> l.startsWith("* OK [UIDNEXT 1]")).anyMatch(l -> l.startsWith("* OK [HIGHESTMODSEQ "))
                    .anyMatch(l -> l.startsWith("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft"));
            assertThat(select.get(select.size() - 1)).isEqualTo("s OK [READ-WRITE] SELECT completed");

            String m1 = ImapFixture.message("one", "first");
            c.send("a1 APPEND INBOX (\\Flagged) {" + m1.length() + "}");
            assertThat(c.readLine()).startsWith("+ ");
            c.sendRaw(m1 + "\r\n");
            List<String> appended = ImapFixture.until(c, "a1");
            assertThat(appended.get(appended.size() - 1)).matches("a1 OK \\[APPENDUID \\d+ 1\\] APPEND completed");
            assertThat(appended).contains("* 1 EXISTS");

            // LITERAL+: no continuation, the octets follow at once
            String m2 = ImapFixture.message("two", "second");
            c.sendRaw("a2 APPEND INBOX {" + m2.length() + "+}\r\n" + m2 + "\r\n");
            List<String> second = ImapFixture.until(c, "a2");
            assertThat(second.get(second.size() - 1)).contains("[APPENDUID ").endsWith(" 2] APPEND completed");

            List<String> fetch = ImapFixture.command(c, "f FETCH 1:* (UID FLAGS RFC822.SIZE)");
            assertThat(fetch).contains("* 1 FETCH (UID 1 FLAGS (\\Flagged) RFC822.SIZE " + m1.length() + ")",
                    "* 2 FETCH (UID 2 FLAGS () RFC822.SIZE " + m2.length() + ")");

            assertThat(ImapFixture.command(c, "t STORE 2 +FLAGS (\\Deleted \\Seen)")).contains("* 2 FETCH (FLAGS (\\Seen \\Deleted))");
            assertThat(ImapFixture.command(c, "u UID SEARCH DELETED")).contains("* SEARCH 2");
            assertThat(ImapFixture.command(c, "v SEARCH RETURN (MIN MAX COUNT) ALL"))
                    .contains("* ESEARCH (TAG \"v\") MIN 1 MAX 2 COUNT 2");
            assertThat(ImapFixture.command(c, "w EXPUNGE")).containsExactly("* 2 EXPUNGE", "w OK EXPUNGE completed");
            assertThat(ImapFixture.command(c, "x UID FETCH 1:* (FLAGS)")).containsExactly(
                    "* 1 FETCH (UID 1 FLAGS (\\Flagged))", "x OK UID FETCH completed");
        }
    }

    @Test
    void sequenceSetsOutOfOrderOverlappingAndWithStarEachMessageOnceInOrder() throws IOException {
        imap.start();
        for (int i = 1; i <= 6; i++) imap.deliver("alice", ImapFixture.message("m" + i, "body " + i));
        try (RawClient c = imap.alice()) {
            ImapFixture.command(c, "s SELECT INBOX");
            assertThat(ImapFixture.command(c, "e STORE 2,4 +FLAGS (\\Deleted)")).last().asString().startsWith("e OK");
            assertThat(ImapFixture.command(c, "x EXPUNGE")).last().asString().startsWith("x OK");     // UIDs 1 3 5 6 left, numbers 1-4
            assertThat(ImapFixture.command(c, "a UID FETCH 6,1:3,2:5,*:6 (FLAGS)")).containsExactly(
                    "* 1 FETCH (UID 1 FLAGS ())", "* 2 FETCH (UID 3 FLAGS ())", "* 3 FETCH (UID 5 FLAGS ())",
                    "* 4 FETCH (UID 6 FLAGS ())", "a OK UID FETCH completed");
            assertThat(ImapFixture.command(c, "b UID FETCH 9:* (FLAGS)")).containsExactly(
                    "* 4 FETCH (UID 6 FLAGS ())", "b OK UID FETCH completed");
            assertThat(ImapFixture.command(c, "c UID FETCH 2,4 (FLAGS)")).containsExactly("c OK UID FETCH completed");
            assertThat(ImapFixture.command(c, "d FETCH 4,*,2:1 (UID)")).containsExactly(
                    "* 1 FETCH (UID 1)", "* 2 FETCH (UID 3)", "* 4 FETCH (UID 6)", "d OK FETCH completed");
            assertThat(ImapFixture.send(c, "f FETCH 3:5 (UID)")).containsExactly("f BAD no such message");
        }
    }

    @Test
    void bodyFetchStreamsTheMessageAndSetsSeen() throws IOException {
        imap.start();
        String m = ImapFixture.message("hello", "the body");
        imap.deliver("alice", m);
        try (RawClient c = imap.alice()) {
            ImapFixture.command(c, "s SELECT INBOX");
            List<String> lines = ImapFixture.command(c, "f FETCH 1 (BODY[])");
            assertThat(lines.get(0)).isEqualTo("* 1 FETCH (BODY[] {" + m.getBytes(StandardCharsets.UTF_8).length + "}");
            assertThat(String.join("\r\n", lines)).contains("the body").contains("FLAGS (\\Seen))");
        }
    }

    @Test
    void foldersListStatusCreateRenameDelete() throws IOException {
        imap.start();
        try (RawClient c = imap.alice()) {
            List<String> list = ImapFixture.command(c, "l LIST \"\" *");
            assertThat(list).contains("* LIST (\\HasNoChildren) \"/\" INBOX")
                    .anyMatch(l -> l.startsWith("* LIST (") && l.contains("\\Sent") && l.endsWith("Sent"))
                    .anyMatch(l -> l.contains("\\Trash"));
            assertThat(ImapFixture.command(c, "d LIST \"\" \"\"")).contains("* LIST (\\Noselect) \"/\" \"\"");
            ImapFixture.command(c, "c CREATE Projects/2026");
            assertThat(ImapFixture.command(c, "m LIST \"\" Projects/%")).contains("* LIST (\\HasNoChildren) \"/\" Projects/2026");
            assertThat(ImapFixture.send(c, "n CREATE Projects/2026")).last().asString().startsWith("n NO [ALREADYEXISTS]");
            ImapFixture.command(c, "r RENAME Projects/2026 Projects/2027");
            assertThat(ImapFixture.command(c, "st STATUS Projects/2027 (MESSAGES UIDNEXT UNSEEN SIZE)"))
                    .contains("* STATUS Projects/2027 (MESSAGES 0 UIDNEXT 1 UNSEEN 0 SIZE 0)");
            ImapFixture.command(c, "x DELETE Projects/2027");
            assertThat(ImapFixture.send(c, "y SELECT Projects/2027")).last().asString().startsWith("y NO [NONEXISTENT]");
            assertThat(ImapFixture.send(c, "z APPEND Nowhere {3}")).last().asString().startsWith("z NO [TRYCREATE]");
            // IMAP4rev1 names travel in modified UTF-7 (RFC 3501 5.1.3); the store keeps Unicode
            ImapFixture.command(c, "u CREATE Entw&APw-rfe");
            assertThat(ImapFixture.command(c, "v LIST \"\" Entw*")).contains("* LIST (\\HasNoChildren) \"/\" Entw&APw-rfe");
            // raw UTF-8 (mbsync 1.4) is no modified UTF-7: refused as Dovecot does, not made a folder LIST names otherwise
            assertThat(ImapFixture.send(c, "w CREATE \"Café\"")).last().asString().startsWith("w NO [CANNOT]");
            assertThat(ImapFixture.send(c, "w2 SELECT \"Café\"")).last().asString().startsWith("w2 NO [CANNOT]");
            assertThat(ImapFixture.send(c, "w3 APPEND \"Café\" {1+}\r\nx")).last().asString().startsWith("w3 NO [CANNOT]");
            assertThat(ImapFixture.send(c, "w4 CREATE a&b")).last().asString().startsWith("w4 NO [CANNOT]");
            assertThat(ImapFixture.command(c, "w5 LIST \"\" Caf*")).containsExactly("w5 OK LIST completed");
            assertThat(ImapFixture.command(c, "q LIST \"\" % RETURN (STATUS (MESSAGES))"))
                    .anyMatch(l -> l.startsWith("* STATUS INBOX (MESSAGES 0)"));
        }
    }

    @Test
    void moveAnnouncesCopyUidThenTheExpunge() throws IOException {
        imap.start();
        imap.deliver("alice", ImapFixture.message("m", "x"));
        try (RawClient c = imap.alice()) {
            ImapFixture.command(c, "s SELECT INBOX");
            List<String> moved = ImapFixture.command(c, "m MOVE 1 Trash");
            assertThat(moved.get(0)).matches("\\* OK \\[COPYUID \\d+ 1 1\\] moved");
            assertThat(moved).containsSubsequence("* 1 EXPUNGE", "m OK MOVE completed");
            assertThat(ImapFixture.command(c, "t STATUS Trash (MESSAGES)")).contains("* STATUS Trash (MESSAGES 1)");
        }
    }
}
