package dev.portico.imap;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Malformed and hostile input: each gets its answer, and the server goes on serving others. */
@Timeout(20)
class ImapRobustnessTest {

    @RegisterExtension
    final ImapFixture imap = new ImapFixture();

    @Test
    void aLineOver64KibIsRefusedAndTheSessionGoesOn() throws IOException {
        imap.start();
        try (RawClient c = imap.alice()) {
            c.send("a NOOP " + "x".repeat(70_000));
            assertThat(c.readLine()).isEqualTo("* " + ImapReplies.LINE_TOO_LONG.line());
            ImapFixture.command(c, "b NOOP");
        }
    }

    @Test
    void aGiantLiteralIsRefusedBeforeAnythingIsRead() throws IOException {
        imap.start();
        try (RawClient c = imap.alice(); RawClient other = imap.alice()) {
            c.send("a APPEND INBOX {99999999999}");
            assertThat(c.readLine()).isEqualTo("a " + ImapReplies.TOO_BIG.line());
            ImapFixture.command(c, "b NOOP");
            c.send("c LOGIN {99999999999+}");
            assertThat(c.readLine()).isEqualTo("* " + ImapReplies.TOO_BIG_BYE.line());
            c.expectClosed();
            ImapFixture.command(other, "d NOOP");
        }
    }

    @Test
    void anUnterminatedLiteralLeavesOtherClientsServed() throws IOException {
        imap.start();
        try (RawClient c = imap.alice(); RawClient other = imap.alice()) {
            c.send("a APPEND INBOX {1000}");
            assertThat(c.readLine()).startsWith("+ ");
            c.sendRaw("only a few octets");
            ImapFixture.command(other, "b SELECT INBOX");
            c.close();
            assertThat(ImapFixture.command(other, "c NOOP")).doesNotContain("* 1 EXISTS");
        }
    }

    @Test
    void syntaxErrorsAreBadAndSpendTheBudget() throws IOException {
        imap.start("imap.max-unknown-commands", "2");
        try (RawClient c = imap.alice()) {
            assertThat(ImapFixture.send(c, "a SELECT")).containsExactly("a BAD expected ' '");
            assertThat(ImapFixture.send(c, "b NOOP extra")).last().asString().startsWith("b BAD");
            assertThat(c.send("+bad").readLine()).isEqualTo("* " + ImapReplies.TOO_MANY_BAD.line());
            c.expectClosed();
        }
    }

    @Test
    void aNonSynchronizingLiteralInARefusedCommandIsReadAway() throws IOException {
        imap.start();
        try (RawClient c = imap.alice()) {
            c.sendRaw("a XYZZY {5+}\r\nhello\r\nb NOOP\r\n");
            assertThat(c.readLine()).isEqualTo("a BAD unknown command");
            assertThat(c.readLine()).isEqualTo("b OK NOOP completed");
        }
    }

    @Test
    void literalsInLoginAndSequenceNumbersOutOfRange() throws IOException {
        imap.start();
        try (RawClient c = imap.raw()) {
            c.send("a LOGIN {5}");
            assertThat(c.readLine()).startsWith("+ ");
            c.send("alice {" + ImapFixture.ALICE.length() + "+}");
            c.send(ImapFixture.ALICE);
            List<String> login = ImapFixture.until(c, "a");
            assertThat(login.get(login.size() - 1)).startsWith("a OK");
            ImapFixture.command(c, "s SELECT INBOX");
            assertThat(ImapFixture.send(c, "f FETCH 5 FLAGS")).containsExactly("f " + ImapReplies.NO_SUCH_MESSAGE.line());
            assertThat(ImapFixture.command(c, "g UID FETCH 5 FLAGS")).containsExactly("g OK UID FETCH completed");
        }
    }
}
