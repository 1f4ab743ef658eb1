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

import static org.assertj.core.api.Assertions.assertThat;

/** Line editing in character mode (server echo + SGA), through a raw peer that types keys. */
@Timeout(30)
class TelnetEditingTest {

    static final String LEFT = "\u001b[D", RIGHT = "\u001b[C", UP = "\u001b[A", DOWN = "\u001b[B";

    @TempDir Path dir;
    @RegisterExtension final TelnetTestServer portico = new TelnetTestServer();
    TelnetPeer p;

    @BeforeEach
    void start() throws IOException {
        portico.start(dir);
        Path home = Files.createDirectories(portico.home("alice"));
        Files.createDirectories(home.resolve("documents"));
        Files.writeString(home.resolve("notes.txt"), "remember the milk\n");
        Files.writeString(home.resolve("alpha1"), "one\n");
        Files.writeString(home.resolve("alpha2"), "two\n");
        p = portico.alice(TelnetPeer.Policy.TERMINAL);
    }

    /** Types keys and Enter, returns everything up to the next prompt. */
    String type(String keys) throws IOException {
        p.send(keys + "\r");
        return p.readUntil(TelnetReplies.PROMPT_END);
    }

    @Test
    void typedCharactersAreEchoedByTheServer() throws IOException {
        assertThat(type("echo hi")).startsWith("echo hi\nhi\n");
    }

    @Test
    void backspaceAndDeleteRemoveTheCharacterBeforeTheCursor() throws IOException {
        assertThat(type("echo abc\u007fd")).contains("\nabd\n");
        assertThat(type("echo xyz\bw")).contains("\nxyw\n");
    }

    @Test
    void ctrlUClearsTheLineAndCtrlWTheWordBeforeTheCursor() throws IOException {
        assertThat(type("garbage\u0015echo clean")).contains("\nclean\n");
        assertThat(type("echo one two\u0017three")).contains("\none three\n");
    }

    @Test
    void arrowsAndCtrlAEMoveTheCursor() throws IOException {
        assertThat(type("echo ac" + LEFT + "b")).contains("\nabc\n");
        assertThat(type("cho z\u0001e\u0005!")).contains("\nz!\n");
        assertThat(type("echo 13" + LEFT + LEFT + RIGHT + "2")).contains("\n123\n");
    }

    @Test
    void upAndDownRecallHistory() throws IOException {
        type("echo first");
        type("echo second");
        assertThat(type(UP + UP)).contains("\nfirst\n");
        assertThat(type(UP + UP + DOWN)).contains("\nfirst\n");   // history now ends with echo first, echo first
        assertThat(type(UP + UP + UP + DOWN + DOWN + DOWN + "echo draft")).contains("\ndraft\n");
        assertThat(type("history")).contains("1  echo first", "2  echo second");
    }

    @Test
    void tabCompletesCommandsAndPaths() throws IOException {
        assertThat(type("whoa\t")).contains("\nalice\n");
        assertThat(type("cat no\t")).contains("remember the milk");
        type("cd doc\t");
        assertThat(type("pwd")).contains("\n/documents\n");
        type("cd /");
        p.send("cat al\t");
        p.readUntil("alpha");
        p.send("\t");
        assertThat(p.readUntil("alpha1  alpha2")).isNotEmpty();
        p.readUntil("$ cat alpha");         // the prompt and the line are drawn again
        assertThat(type("2")).contains("two");
    }

    @Test
    void ansiTerminalGetsClearScreen() throws IOException {
        assertThat(type("clear")).contains("\u001b[H\u001b[2J");
    }

    @Test
    void aDumbTerminalGetsBlankLinesInsteadOfEscapes() throws IOException {
        try (TelnetPeer dumb = portico.peer(TelnetPeer.Policy.TERMINAL).terminalType("DUMB").window(80, 5)) {
            dumb.login("alice", TestServices.ALICE_PASSWORD);
            dumb.line("clear");
            String out = dumb.readUntil(TelnetReplies.PROMPT_END);
            assertThat(out).doesNotContain("\u001b").contains("\n\n\n\n\n");
        }
    }

    @Test
    void utf8TypedByteByByteIsOneCharacterEach() throws IOException {
        assertThat(type("echo h\u00e9llo w\u00f6rld \u2713")).contains("\nh\u00e9llo w\u00f6rld \u2713\n");
        assertThat(type("echo caf\u00e9\u007fe")).contains("\ncafe\n");   // DEL removes a whole character
    }

    @Test
    void typingPastTheLineLimitRingsTheBellAndKeepsTheLine() throws IOException {
        portico.start(dir.resolve("small"), "telnet.max-line", "16");
        try (TelnetPeer q = portico.alice(TelnetPeer.Policy.TERMINAL)) {
            q.send("echo 0123456789abcdefghij\r");
            String out = q.readUntil(TelnetReplies.PROMPT_END);
            assertThat(out).contains("\u0007").contains("\n0123456789a\n");
        }
    }
}
