package dev.portico.telnet;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portico.testing.LogWatch;
import dev.portico.testing.TestServices;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the shell's MIME view: each input is a message delivered to alice's Maildir, then shown
 * by {@code mail} (the list: From and Subject decoded) and {@code mail 1} (headers, the text parts
 * decoded, attachments described) in a real Telnet session. Properties: both commands answer
 * within the peer's wait and end at the prompt; nothing logged at ERROR (a failed handler) and no
 * "internal error" line; what reaches the terminal holds no control character but line feed and
 * tab, C1 controls included (U+009B is a CSI to a UTF-8 xterm), so a message cannot drive the
 * user's terminal.
 */
class MailViewFuzzTest {

    private static TelnetTestServer server;
    private static TelnetPeer alice;
    private static int uses;

    private static synchronized TelnetPeer alice() throws IOException {
        if (server == null) {
            LogWatch.install();
            server = new TelnetTestServer().start(Files.createTempDirectory("mail-view-fuzz"));
        }
        // The peer keeps everything it read; a fresh one now and then keeps reads cheap.
        if (alice == null || ++uses % 200 == 0) {
            if (alice != null) alice.close();
            alice = server.shell("alice", TestServices.ALICE_PASSWORD);
        }
        return alice;
    }

    @FuzzTest
    void anyMessageIsShownSafely(byte[] message) throws IOException {
        BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
        TelnetPeer peer = alice();
        Path maildir = server.services.mail().maildir("alice");
        for (String sub : List.of("new", "cur")) {
            Path d = maildir.resolve(sub);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> files = Files.list(d)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
        }
        server.services.mail().deliver(List.of("alice"), new ByteArrayInputStream(message));
        LogWatch.takeErrors();
        for (String command : List.of("mail", "mail 1")) {
            String shown = peer.run(command);
            assertThat(LogWatch.takeErrors()).as("errors logged by %s", command).isEmpty();
            assertThat(shown).as(command).doesNotContain(TelnetReplies.INTERNAL_ERROR);
            for (int i = 0; i < shown.length(); i++) {
                char c = shown.charAt(i);
                boolean control = Character.getType(c) == Character.CONTROL;
                assertThat(control && c != '\n' && c != '\t')
                        .as("%s shows control character U+%04X at %d: %s", command, (int) c, i, shown).isFalse();
            }
        }
    }
}
