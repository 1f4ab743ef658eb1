package dev.portico.pop3;

import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 1939 TRANSACTION and UPDATE states over a raw socket, against the real Maildir. */
@Timeout(10)
class Pop3TransactionTest {

    @RegisterExtension
    final Pop3Fixture pop3 = new Pop3Fixture();

    static final String FIRST = TestMessages.simple("one", "first body\r\n");
    static final String SECOND = TestMessages.simple("two", "line 1\r\n.line 2\r\nline 3\r\nline 4\r\n");
    static final String THIRD = TestMessages.simple("three", "third\r\n");

    @BeforeEach
    void startWithThreeMessages() throws IOException {
        pop3.start();
        pop3.deliver("alice", FIRST);
        pop3.deliver("alice", SECOND);
        pop3.deliver("alice", THIRD);
    }

    @Test
    void statListAndUidlDescribeTheMaildrop() throws IOException {
        try (RawClient c = pop3.alice()) {
            long total = FIRST.length() + SECOND.length() + THIRD.length();
            assertThat(c.send("STAT").readLine()).isEqualTo("+OK 3 " + total);
            c.send("LIST").expect("+OK 3 messages");
            assertThat(Pop3Fixture.readBody(c)).containsExactly(
                    "1 " + FIRST.length(), "2 " + SECOND.length(), "3 " + THIRD.length());
            assertThat(c.send("LIST 2").readLine()).isEqualTo("+OK 2 " + SECOND.length());
            c.send("UIDL").expect("+OK");
            List<String> uidl = Pop3Fixture.readBody(c);
            assertThat(uidl).hasSize(3);
            assertThat(uidl.get(0)).startsWith("1 ");
            String uid2 = uidl.get(1).substring(2);
            assertThat(uid2).matches("[\\x21-\\x7e]{1,70}");
            assertThat(c.send("UIDL 2").readLine()).isEqualTo("+OK 2 " + uid2);
            assertThat(c.send("NOOP").readLine()).isEqualTo("+OK");
        }
    }

    @Test
    void retrReturnsTheMessageExactlyAsDelivered() throws IOException {
        try (RawClient c = pop3.alice()) {
            c.send("RETR 2").expect("+OK " + SECOND.length() + " octets");
            assertThat(TestMessages.ascii(Pop3Fixture.readBodyBytes(c))).isEqualTo(SECOND);
            c.send("RETR 1").expect("+OK");
            assertThat(TestMessages.ascii(Pop3Fixture.readBodyBytes(c))).isEqualTo(FIRST);
        }
    }

    @Test
    void topSendsTheHeaderAndNLines() throws IOException {
        try (RawClient c = pop3.alice()) {
            c.send("TOP 2 2").expect("+OK");
            assertThat(Pop3Fixture.readBody(c)).containsExactly(
                    "From: bob@localhost", "To: alice@localhost", "Subject: two", "", "line 1", ".line 2");
            c.send("TOP 2 0").expect("+OK");
            assertThat(Pop3Fixture.readBody(c)).endsWith("Subject: two", "");
            c.send("TOP 2").expect(Pop3Replies.TOP_SYNTAX.line());
            c.send("TOP 2 x").expect(Pop3Replies.TOP_SYNTAX.line());
            c.send("TOP 2 -1").expect(Pop3Replies.TOP_SYNTAX.line());
            c.send("TOP 9 1").expect(Pop3Replies.NO_SUCH_MESSAGE.line());
        }
    }

    @Test
    void badMessageNumbersAreRefused() throws IOException {
        try (RawClient c = pop3.alice()) {
            for (String bad : List.of("RETR 0", "RETR 4", "LIST 99", "DELE 4", "UIDL 0", "RETR 99999999999")) {
                assertThat(c.send(bad).readLine()).as(bad).startsWith("-ERR");
            }
            c.send("RETR 0").expect(Pop3Replies.NO_SUCH_MESSAGE.line());
            c.send("RETR abc").expect(Pop3Replies.BAD_MESSAGE_NUMBER.line());
            c.send("RETR -1").expect(Pop3Replies.BAD_MESSAGE_NUMBER.line());
            c.send("RETR").expect(Pop3Replies.BAD_MESSAGE_NUMBER.line());
            c.send("DELE +1").expect(Pop3Replies.BAD_MESSAGE_NUMBER.line());
            c.send("STAT").expect("+OK 3 ");   // the session goes on
        }
    }

    @Test
    void deletedMessagesAreRefusedUntilRset() throws IOException {
        try (RawClient c = pop3.alice()) {
            c.send("DELE 1").expect("+OK message 1 deleted");
            c.send("DELE 1").expect(Pop3Replies.MESSAGE_DELETED.line());
            c.send("RETR 1").expect(Pop3Replies.MESSAGE_DELETED.line());
            c.send("TOP 1 0").expect(Pop3Replies.MESSAGE_DELETED.line());
            c.send("LIST 1").expect(Pop3Replies.MESSAGE_DELETED.line());
            c.send("UIDL 1").expect(Pop3Replies.MESSAGE_DELETED.line());
            long rest = SECOND.length() + THIRD.length();
            assertThat(c.send("STAT").readLine()).isEqualTo("+OK 2 " + rest);
            c.send("LIST").expect("+OK 2 messages");
            assertThat(Pop3Fixture.readBody(c)).containsExactly("2 " + SECOND.length(), "3 " + THIRD.length());
            c.send("UIDL").expect("+OK");
            assertThat(Pop3Fixture.readBody(c)).hasSize(2).allMatch(l -> !l.startsWith("1 "));
            c.send("RSET").expect("+OK maildrop has 3 messages");
            c.send("RETR 1").expect("+OK");
            Pop3Fixture.readBody(c);
            c.send("QUIT").expect("+OK");
        }
        assertThat(countMessages()).isEqualTo(3);
    }

    @Test
    void quitFromTransactionRemovesDeletedMessages() throws IOException {
        try (RawClient c = pop3.alice()) {
            c.send("DELE 1").expect("+OK");
            c.send("DELE 3").expect("+OK");
            c.send("QUIT").expect("+OK Portico POP3 server signing off (1 messages left)");
            c.expectClosed();
        }
        assertThat(countMessages()).isEqualTo(1);
        pop3.awaitNoSessions();
        try (RawClient c = pop3.alice()) {
            c.send("RETR 1").expect("+OK");
            assertThat(TestMessages.ascii(Pop3Fixture.readBodyBytes(c))).isEqualTo(SECOND);
            c.send("DELE 1").expect("+OK");
            c.send("QUIT").expect("+OK Portico POP3 server signing off (maildrop empty)");
        }
        assertThat(countMessages()).isZero();
    }

    @Test
    void aDroppedConnectionDeletesNothing() throws IOException {
        try (RawClient c = pop3.alice()) {
            c.send("DELE 1").expect("+OK");
            c.send("DELE 2").expect("+OK");
            c.send("RETR 3").expect("+OK");
            Pop3Fixture.readBody(c);
        }   // closed without QUIT
        pop3.awaitNoSessions();
        assertThat(countMessages()).isEqualTo(3);
        assertThat(files("new")).hasSize(3);   // not even marked seen
        try (RawClient c = pop3.alice()) {
            assertThat(c.send("STAT").readLine()).startsWith("+OK 3 ");
        }
    }

    @Test
    void retrievedMessagesMoveToCurAtQuitAndKeepTheirUidl() throws IOException {
        String uid;
        try (RawClient c = pop3.alice()) {
            uid = c.send("UIDL 2").readLine().substring("+OK 2 ".length());
            c.send("RETR 2").expect("+OK");
            Pop3Fixture.readBody(c);
            c.send("TOP 3 0").expect("+OK");
            Pop3Fixture.readBody(c);
            assertThat(files("cur")).isEmpty();   // only QUIT applies it
            c.send("QUIT").expect("+OK");
        }
        assertThat(files("cur")).hasSize(2).allMatch(n -> n.endsWith(":2,S"));
        assertThat(files("new")).hasSize(1);
        pop3.awaitNoSessions();
        try (RawClient c = pop3.alice()) {
            assertThat(c.send("UIDL 2").readLine()).isEqualTo("+OK 2 " + uid);
            c.send("RETR 2").expect("+OK");
            assertThat(TestMessages.ascii(Pop3Fixture.readBodyBytes(c))).isEqualTo(SECOND);
        }
    }

    @Test
    void aSecondSessionForTheSameUserGetsInUseWhileDeliveryGoesOn() throws IOException {
        try (RawClient first = pop3.alice(); RawClient second = pop3.raw()) {
            second.send("USER alice").expect("+OK");
            second.send("PASS " + Pop3Fixture.ALICE).expect(Pop3Replies.MAILBOX_IN_USE.line());
            second.send("STAT").expect(Pop3Replies.LOGIN_FIRST.line());   // still in AUTHORIZATION

            pop3.deliver("alice", TestMessages.simple("four", "new mail\r\n"));
            assertThat(first.send("STAT").readLine()).startsWith("+OK 3 ");   // snapshot of the session
            first.send("QUIT").expect("+OK");
        }
        pop3.awaitNoSessions();
        try (RawClient c = pop3.alice()) {
            assertThat(c.send("STAT").readLine()).startsWith("+OK 4 ");
            c.send("TOP 4 1").expect("+OK");
            assertThat(Pop3Fixture.readBody(c)).contains("Subject: four", "new mail");
        }
    }

    @Test
    void anotherUserIsNotLockedOut() throws IOException {
        pop3.deliver("bob", THIRD);
        try (RawClient a = pop3.alice(); RawClient b = pop3.raw()) {
            b.send("USER bob").expect("+OK");
            b.send("PASS " + TestServices.BOB_PASSWORD).expect("+OK maildrop has 1 messages");
            assertThat(a.send("STAT").readLine()).startsWith("+OK 3 ");
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws IOException {
        try (RawClient c = pop3.alice()) {
            c.sendRaw("STAT\r\nLIST 1\r\nDELE 1\r\nLIST 1\r\nRSET\r\nUIDL\r\nNOOP\r\n");
            c.expect("+OK 3 ");
            c.expect("+OK 1 " + FIRST.length());
            c.expect("+OK message 1 deleted");
            c.expect(Pop3Replies.MESSAGE_DELETED.line());
            c.expect("+OK maildrop has 3");
            c.expect("+OK");
            assertThat(Pop3Fixture.readBody(c)).hasSize(3);
            c.expect("+OK");
        }
    }

    @Test
    void aMessageRemovedBehindTheSessionsBackIsReportedAndQuitStillWorks() throws IOException {
        try (RawClient c = pop3.alice()) {
            c.send("DELE 3").expect("+OK");
            try (Stream<Path> s = Files.list(pop3.maildir("alice").resolve("new"))) {
                for (Path p : s.toList()) {
                    if (Files.readString(p).contains("Subject: one")) Files.delete(p);
                }
            }
            c.send("RETR 1").expect(Pop3Replies.MESSAGE_GONE.line());
            c.send("TOP 1 0").expect(Pop3Replies.MESSAGE_GONE.line());
            c.send("RETR 2").expect("+OK");
            Pop3Fixture.readBody(c);
            c.send("QUIT").expect("+OK");
        }
        assertThat(files("cur")).hasSize(1);
        assertThat(countMessages()).isEqualTo(1);
    }

    private long countMessages() throws IOException {
        return files("new").size() + files("cur").size();
    }

    private List<String> files(String sub) throws IOException {
        try (Stream<Path> s = Files.list(pop3.maildir("alice").resolve(sub))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
