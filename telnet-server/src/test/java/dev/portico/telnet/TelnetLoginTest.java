package dev.portico.telnet;

import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(20)
class TelnetLoginTest {

    @TempDir Path dir;
    @RegisterExtension final TelnetTestServer portico = new TelnetTestServer();

    @Test
    void goodLoginWithCommonsNetReachesThePromptAndWhoamiAnswers() throws IOException {
        portico.start(dir);
        try (TelnetPeer c = portico.commonsNet(true, 80)) {
            c.login("alice", TestServices.ALICE_PASSWORD);
            assertThat(c.run("whoami")).isEqualTo("alice\n");
        }
    }

    @Test
    void passwordIsNotEchoedInCharacterMode() throws IOException {
        portico.start(dir);
        try (TelnetPeer c = portico.commonsNet(true, 80)) {
            c.readUntil(TelnetReplies.LOGIN_PROMPT);
            c.line("alice");
            assertThat(c.readUntil(TelnetReplies.PASSWORD_PROMPT)).contains("alice");   // the name is echoed
            c.line(TestServices.ALICE_PASSWORD);
            String afterPassword = c.readUntil(TelnetReplies.PROMPT_END);
            assertThat(afterPassword).doesNotContain(TestServices.ALICE_PASSWORD).contains("Welcome to Portico, alice");
        }
    }

    @Test
    void lineModePasswordPromptOffersServerEcho() throws IOException {
        portico.start(dir);
        try (TelnetPeer p = portico.peer(TelnetPeer.Policy.REFUSE_ALL)) {
            p.readUntil(TelnetReplies.LOGIN_PROMPT);
            int before = p.commands.size();
            p.line("alice");
            p.readUntil(TelnetReplies.PASSWORD_PROMPT);
            p.drain(100);
            assertThat(p.commands.subList(before, p.commands.size())).contains("WILL ECHO");
            p.line(TestServices.ALICE_PASSWORD);
            assertThat(p.readUntil(TelnetReplies.PROMPT_END)).doesNotContain(TestServices.ALICE_PASSWORD);
        }
    }

    @Test
    void threeBadPasswordsCloseTheConnection() throws IOException {
        portico.start(dir);
        try (TelnetPeer p = portico.peer(TelnetPeer.Policy.TERMINAL)) {
            for (int i = 0; i < 3; i++) {
                p.readUntil(TelnetReplies.LOGIN_PROMPT);
                p.line("alice");
                p.readUntil(TelnetReplies.PASSWORD_PROMPT);
                p.line("wrong" + i);
                p.readUntil(TelnetReplies.LOGIN_INCORRECT);
            }
            p.readUntil(TelnetReplies.TOO_MANY_FAILURES);
            p.expectClosed();
        }
    }

    @Test
    void unknownUserIsRefusedLikeABadPassword() throws IOException {
        portico.start(dir);
        try (TelnetPeer p = portico.peer(TelnetPeer.Policy.TERMINAL)) {
            p.readUntil(TelnetReplies.LOGIN_PROMPT);
            p.line("mallory");
            p.readUntil(TelnetReplies.PASSWORD_PROMPT);
            p.line("x");
            p.readUntil(TelnetReplies.LOGIN_INCORRECT);
            p.readUntil(TelnetReplies.LOGIN_PROMPT);
            p.line("bob");
            p.readUntil(TelnetReplies.PASSWORD_PROMPT);
            p.line(TestServices.BOB_PASSWORD);
            assertThat(p.readUntil(TelnetReplies.PROMPT_END)).contains("bob:/$ ");
        }
    }

    @Test
    void idleSessionGetsAGoodbyeLineAndIsClosed() throws IOException {
        portico.start(dir, "telnet.idle-timeout", "700ms");
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL)) {
            p.readUntil(TelnetReplies.IDLE_GOODBYE);
            p.expectClosed();
        }
    }

    @Test
    void logoutExitAndCtrlDEndTheSession() throws IOException {
        portico.start(dir);
        for (String way : new String[]{"logout\r\n", "exit\r\n", "\u0004"}) {
            try (TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL)) {
                p.send(way);
                p.readUntil(TelnetReplies.GOODBYE);
                p.expectClosed();
            }
        }
    }

    @Test
    void connectionsOverTheLimitGetTheRefusalLine() throws IOException {
        portico.start(dir, "telnet.max-sessions", "1");
        try (TelnetPeer first = portico.peer(TelnetPeer.Policy.TERMINAL)) {
            first.readUntil(TelnetReplies.LOGIN_PROMPT);
            try (TelnetPeer second = portico.peer(TelnetPeer.Policy.TERMINAL)) {
                second.readUntil(TelnetReplies.TOO_MANY);
                second.expectClosed();
            }
        }
    }

    @Test
    void shutdownTellsSessionsAtThePrompt() throws IOException {
        portico.start(dir);
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL)) {
            long t0 = System.nanoTime();
            portico.stop();
            p.readUntil(TelnetReplies.SHUTDOWN);
            p.expectClosed();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void aCommandRunningLongerThanTheIdleTimeoutIsNotCutOff() throws IOException {
        portico.start(dir, "telnet.idle-timeout", "600ms");
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.REFUSE_ALL)) {
            p.line("sleep 1.2");
            p.readUntil(TelnetReplies.PROMPT_END, 5000);     // the sleep ended normally
            p.readUntil(TelnetReplies.IDLE_GOODBYE);          // then idleness at the prompt counts
            p.expectClosed();
        }
    }

    @Test
    void idleAtTheLoginPromptAlsoEndsTheSession() throws IOException {
        portico.start(dir, "telnet.idle-timeout", "500ms");
        try (TelnetPeer p = portico.peer(TelnetPeer.Policy.TERMINAL)) {
            p.readUntil(TelnetReplies.LOGIN_PROMPT);
            p.readUntil(TelnetReplies.IDLE_GOODBYE);
            p.expectClosed();
        }
    }
}
