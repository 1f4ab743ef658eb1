package dev.portico.telnet;

import dev.portico.testing.TestServices;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.portico.telnet.TelnetPeer.DO;
import static dev.portico.telnet.TelnetPeer.DONT;
import static dev.portico.telnet.TelnetPeer.IAC;
import static dev.portico.telnet.TelnetPeer.SB;
import static dev.portico.telnet.TelnetPeer.SE;
import static dev.portico.telnet.TelnetPeer.WILL;
import static dev.portico.telnet.TelnetPeer.WONT;
import static org.assertj.core.api.Assertions.assertThat;

/** Raw-socket transcripts of negotiation and NVT data. */
@Timeout(30)
class TelnetNegotiationTest {

    @TempDir Path dir;
    @RegisterExtension final TelnetTestServer portico = new TelnetTestServer();

    @BeforeEach
    void start() throws IOException {
        portico.start(dir);
    }

    @Test
    void theServerOpensWithOneRequestPerOptionAndAsksForTheTerminalType() throws IOException {
        try (TelnetPeer p = portico.peer(TelnetPeer.Policy.TERMINAL)) {
            String greeting = p.readUntil(TelnetReplies.LOGIN_PROMPT);
            assertThat(greeting).startsWith("Portico telnet shell");
            assertThat(p.commands).containsExactlyInAnyOrder(
                    "WILL ECHO", "WILL SGA", "DO SGA", "DO NAWS", "DO TTYPE", "SB TTYPE 1");
        }
    }

    @Test
    void aPeerThatRefusesEverythingGetsAWorkingLineAtATimeSession() throws IOException {
        try (TelnetPeer p = portico.peer(TelnetPeer.Policy.REFUSE_ALL)) {
            p.login("alice", TestServices.ALICE_PASSWORD);
            // No server echo in line mode: the output is just the answer.
            assertThat(p.run("echo hello there")).isEqualTo("hello there\n");
            assertThat(p.run("pwd")).isEqualTo("/\n");
            // RFC 854: without SGA the server says GA after each prompt.
            assertThat(p.commands).contains("GA");
            assertThat(p.commands.stream().filter(c -> c.startsWith("WILL") || c.startsWith("DO")).count())
                    .isLessThanOrEqualTo(6);
        }
    }

    @Test
    void aPeerThatAcknowledgesEverythingDoesNotStartALoop() throws IOException {
        try (TelnetPeer p = portico.peer(TelnetPeer.Policy.NAIVE)) {
            p.readUntil(TelnetReplies.LOGIN_PROMPT);
            p.drain(500);
            assertThat(p.commands.size()).isLessThan(20);
        }
    }

    @Test
    void aPeerFlippingEveryOptionGetsAtMostOneAnswerPerCommandAndTheSessionGoesOn() throws IOException {
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL)) {
            int before = p.commands.size();
            byte[] flood = new byte[256 * 4 * 3 * 2];
            int n = 0;
            for (int round = 0; round < 2; round++) {
                for (int o = 0; o < 256; o++) {
                    for (int verb : new int[]{WILL, WONT, DO, DONT}) {
                        flood[n++] = (byte) IAC;
                        flood[n++] = (byte) verb;
                        flood[n++] = (byte) o;
                    }
                }
            }
            p.sendBytes(flood);
            p.drain(500);
            List<String> answers = p.commands.subList(before, p.commands.size());
            assertThat(answers.size()).isLessThanOrEqualTo(256 * 4 * 2);
            assertThat(answers).doesNotContain("DO LINEMODE", "DO NEW-ENVIRON", "WILL LINEMODE", "WILL NEW-ENVIRON",
                    "WILL NAWS", "DO ECHO");
            p.drain(300);
            int settled = p.commands.size();
            p.drain(300);
            assertThat(p.commands.size()).as("no traffic once the flood is answered").isEqualTo(settled);
            p.line("");
            p.line("echo still here");
            assertThat(p.readUntil("still here\n")).isNotEmpty();
        }
    }

    @Test
    void lineModeAndNewEnvironAreRefused() throws IOException {
        try (TelnetPeer p = portico.peer(TelnetPeer.Policy.TERMINAL)) {
            p.readUntil(TelnetReplies.LOGIN_PROMPT);
            p.sendBytes(IAC, WILL, Telnet.LINEMODE, IAC, WILL, Telnet.NEW_ENVIRON, IAC, DO, Telnet.LINEMODE);
            p.drain(300);
            assertThat(p.commands).contains("DONT LINEMODE", "DONT NEW-ENVIRON", "WONT LINEMODE");
        }
    }

    @Test
    void aSilentPeerStillGetsTheLoginPromptAfterTheNegotiationWait() throws IOException {
        try (TelnetPeer p = portico.peer(TelnetPeer.Policy.SILENT)) {
            assertThat(p.readUntil(TelnetReplies.LOGIN_PROMPT)).contains("Portico");
        }
    }

    @Test
    void iacIacAndCrNulAreDataBothWays() throws IOException {
        Files.createDirectories(portico.home("alice"));
        Files.write(portico.home("alice").resolve("ff.txt"), new byte[]{'a', (byte) 0xff, 'b', '\n'});
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.REFUSE_ALL)) {
            // Input: IAC IAC is one 0xFF (not valid UTF-8 alone, so shown as U+FFFD); CR NUL ends the line.
            p.send("echo a");
            p.sendBytes(IAC, IAC);
            p.send("b\r\0");
            assertThat(p.readUntil(TelnetReplies.PROMPT_END)).startsWith("a\uFFFDb\n");
            // Output: the 0xFF in the file arrives doubled, which the peer's parser turns back into data.
            p.line("cat ff.txt");
            p.readUntil(TelnetReplies.PROMPT_END);
            byte[] raw = p.rawData();
            assertThat(indexOf(raw, new byte[]{'a', (byte) 0xff, 'b', '\r', '\n'})).isNotNegative();
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Test
    void areYouThereIsAnsweredWithAVisibleLine() throws IOException {
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL)) {
            p.sendBytes(IAC, 246);
            p.readUntil(TelnetReplies.AYT);
        }
    }

    @Test
    void interruptProcessStopsARunningSleep() throws IOException {
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.REFUSE_ALL)) {
            p.line("sleep 30");
            p.drain(200);
            long t0 = System.nanoTime();
            p.sendBytes(IAC, 244);
            assertThat(p.readUntil(TelnetReplies.PROMPT_END)).contains(TelnetReplies.INTERRUPTED);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
            assertThat(p.run("echo after")).isEqualTo("after\n");
        }
    }

    @Test
    void ctrlCStopsASleepInCharacterModeAndDropsATypedLineAtThePrompt() throws IOException {
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL)) {
            p.line("sleep 30");
            p.readUntil("sleep 30\n");
            p.send("\u0003");
            assertThat(p.readUntil(TelnetReplies.PROMPT_END)).contains(TelnetReplies.INTERRUPTED);
            p.send("echo never\u0003");
            p.readUntil(TelnetReplies.PROMPT_END);
            assertThat(p.run("echo yes")).isEqualTo("yes\n");
            p.sendBytes(IAC, 243);     // BRK at the prompt acts like Ctrl-C
            p.readUntil(TelnetReplies.PROMPT_END);
        }
    }

    @Test
    void anOverLongSubnegotiationIsDroppedAndTheSessionGoesOn() throws IOException {
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL)) {
            byte[] sb = new byte[20_000];
            sb[0] = (byte) IAC; sb[1] = (byte) SB; sb[2] = (byte) Telnet.TTYPE; sb[3] = 0;
            for (int i = 4; i < sb.length - 2; i++) sb[i] = 'A';
            sb[sb.length - 2] = (byte) IAC; sb[sb.length - 1] = (byte) SE;
            p.sendBytes(sb);
            assertThat(p.run("echo fine")).isEqualTo("fine\n");
        }
    }

    @Test
    void nawsChangesTheColumnsOfLs() throws IOException {
        Path home = Files.createDirectories(portico.home("alice"));
        for (int i = 0; i < 12; i++) Files.writeString(home.resolve(String.format("file-%02d.txt", i)), "x");
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL)) {
            p.naws(40, 24);
            String narrow = p.run("ls");
            p.naws(200, 24);
            String wide = p.run("ls");
            assertThat(narrow.lines().count()).isEqualTo(4);     // 13 characters a column: 3 columns, 4 rows
            assertThat(wide.lines().count()).isEqualTo(1);
            assertThat(wide).contains("file-00.txt", "file-11.txt");
        }
    }

    @Test
    void eraseCharacterAndEraseLineEditTheLineInLineMode() throws IOException {
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.REFUSE_ALL)) {
            p.send("echo abX");
            p.sendBytes(IAC, 247);
            p.send("c\r\n");
            assertThat(p.readUntil(TelnetReplies.PROMPT_END)).startsWith("abc\n");
            p.send("echo junk");
            p.sendBytes(IAC, 248);
            p.send("echo clean\r\n");
            assertThat(p.readUntil(TelnetReplies.PROMPT_END)).startsWith("clean\n");
        }
    }

    @Test
    void binaryIsAcceptedBothWays() throws IOException {
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL)) {
            int before = p.commands.size();
            p.sendBytes(IAC, DO, Telnet.BINARY, IAC, WILL, Telnet.BINARY);
            p.drain(300);
            assertThat(p.commands.subList(before, p.commands.size())).containsExactlyInAnyOrder("WILL BINARY", "DO BINARY");
            assertThat(p.run("echo bin")).isEqualTo("bin\n");
            p.sendBytes(IAC, DONT, Telnet.BINARY);
            p.drain(200);
            assertThat(p.commands).contains("WONT BINARY");
        }
    }

    @Test
    void dataMarkDiscardsTypeAheadNotYetRead() throws IOException {
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.REFUSE_ALL)) {
            p.line("sleep 1.5");
            p.drain(400);                   // the sleep has surely started: its line is no longer queued
            p.send("echo typed-ahead\r\n");
            p.sendBytes(IAC, 242);          // the in-band half of Synch
            p.readUntil(TelnetReplies.PROMPT_END);
            assertThat(p.run("echo after")).isEqualTo("after\n");
            assertThat(p.rest()).doesNotContain("typed-ahead");
        }
    }

    @Test
    void shutdownWaitsForARunningCommandThenSaysGoodbye() throws IOException {
        portico.start(dir.resolve("long-grace"), "telnet.shutdown-grace", "20s");
        try (TelnetPeer p = portico.alice(TelnetPeer.Policy.REFUSE_ALL)) {
            // timed from the command, not from the stop: on a busy machine the 100 ms drain took
            // longer, and a bound counted from the stop failed though the sleep had been waited for
            long t0 = System.nanoTime();
            p.line("sleep 0.5");
            p.drain(100);
            portico.stop();                 // returns once the session is done, long before the grace
            p.readUntil(TelnetReplies.SHUTDOWN);
            p.expectClosed();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(500L, 10_000L);
        }
    }
}
