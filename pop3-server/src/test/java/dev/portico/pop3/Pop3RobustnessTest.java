package dev.portico.pop3;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input, limits, timeouts, refusal and shutdown, over a raw socket. */
@Timeout(10)
class Pop3RobustnessTest {

    @RegisterExtension
    final Pop3Fixture pop3 = new Pop3Fixture();

    @Test
    void unknownCommandsGetErrAndTheSessionGoesOn() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            c.send("HELO there").expect(Pop3Replies.UNKNOWN_COMMAND.line());
            c.send("").expect(Pop3Replies.UNKNOWN_COMMAND.line());
            c.send("XYZZY").expect(Pop3Replies.UNKNOWN_COMMAND.line());
            c.sendBytes(new byte[]{'U', 'S', 'E', 'R', ' ', (byte) 0xff, (byte) 0xfe, '\r', '\n'}).expect("+OK");
            c.send("\0STAT").expect(Pop3Replies.UNKNOWN_COMMAND.line());
            Pop3Fixture.login(c);
        }
    }

    @Test
    void tooManyUnknownCommandsCloseTheSession() throws IOException {
        pop3.start("pop3.max-unknown-commands", "3");
        try (RawClient c = pop3.raw()) {
            for (int i = 0; i < 3; i++) c.send("BOGUS").expect(Pop3Replies.UNKNOWN_COMMAND.line());
            c.send("BOGUS").expect(Pop3Replies.TOO_MANY_UNKNOWN.line());
            c.expectClosed();
        }
    }

    @Test
    void overLongLinesAreRefusedAndTheNextLineIsRead() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            c.send("USER " + "a".repeat(300)).expect(Pop3Replies.LINE_TOO_LONG.line());
            c.send("NOOP " + "x".repeat(100_000)).expect(Pop3Replies.LINE_TOO_LONG.line());
            c.send("USER " + "b".repeat(240)).expect("+OK");   // within RFC 2449's 255 octets
            Pop3Fixture.login(c);
        }
    }

    @Test
    void bareLfLineEndingsAreAccepted() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            c.sendRaw("USER alice\n").expect("+OK");
            c.sendRaw("PASS " + Pop3Fixture.ALICE + "\n").expect("+OK maildrop has");
            c.sendRaw("STAT\n").expect("+OK 0 0");
        }
    }

    @Test
    void idleSessionsAreClosedWithoutApplyingDeletions() throws IOException {
        pop3.start("pop3.idle-timeout", "300ms");
        pop3.deliver("alice", TestMessages.simple("keep", "me\r\n"));
        try (RawClient c = pop3.alice()) {
            c.send("DELE 1").expect("+OK");
            c.expectClosed();   // RFC 1939 §3: autologout, no UPDATE
        }
        pop3.awaitNoSessions();
        try (Stream<Path> s = Files.list(pop3.maildir("alice").resolve("new"))) {
            assertThat(s.count()).isEqualTo(1);
        }
    }

    @Test
    void connectionsOverTheLimitAreRefused() throws IOException {
        pop3.start("pop3.max-sessions", "1");
        try (RawClient first = pop3.raw(); RawClient second = new RawClient(pop3.port())) {
            assertThat(second.readLine()).isEqualTo(Pop3Replies.REFUSAL_LINE);
            second.expectClosed();
            first.send("CAPA").expect("+OK");
        }
    }

    @Test
    void shutdownTellsOpenSessionsAndKeepsTheirMessages() throws IOException {
        pop3.start();
        pop3.deliver("alice", TestMessages.simple("keep", "me\r\n"));
        try (RawClient c = pop3.alice()) {
            c.send("DELE 1").expect("+OK");
            pop3.close();
            assertThat(c.readLine()).isEqualTo(Pop3Replies.SHUTDOWN_LINE);
            c.expectClosed();
        }
        try (Stream<Path> s = Files.list(pop3.maildir("alice").resolve("new"))) {
            assertThat(s.count()).isEqualTo(1);
        }
    }

    @Test
    void passwordsWithSpacesAndLongArgumentsAreHandled() throws IOException {
        pop3.start("pop3.idle-timeout", "30s", "pop3.max-sessions", "100", "pop3.max-sessions-per-address", "100");
        try (RawClient c = pop3.raw()) {
            c.send("USER alice").expect("+OK");
            c.send("PASS " + Pop3Fixture.ALICE + " ").expect(Pop3Replies.AUTH_FAILED.line());   // the space is part of it
            c.send("USER alice").expect("+OK");
            c.send("PASS " + Pop3Fixture.ALICE).expect("+OK");
            c.send("LIST   ").expect("+OK 0 messages");
            assertThat(Pop3Fixture.readBody(c)).isEmpty();
        }
    }
}
