package dev.portico.telnet;

import dev.portico.core.mail.MailStore;
import dev.portico.core.mail.Mailbox;
import dev.portico.testing.DelegatingMailStore;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, item 7: the shell's error messages name the user's virtual path
 * ({@code cat: /etc/passwd: no such file or directory}), never where the files really are on the
 * server ({@code /srv/.../data/files/alice/etc/passwd}). Through Commons Net's TelnetClient.
 */
@Timeout(30)
class TelnetHostPathTest {

    @TempDir Path dir;
    @RegisterExtension final TelnetTestServer portico = new TelnetTestServer();
    Path home;

    @BeforeEach
    void files() throws IOException {
        home = dir.resolve("files").resolve("alice");
        Files.createDirectories(home.resolve("docs"));
        Files.writeString(home.resolve("docs/readme.txt"), "hello\n");
    }

    /** Fails if {@code output} holds the test's data folder or any part of the host path. */
    private void assertNoHostPath(String output) {
        assertThat(output).doesNotContain(dir.toString()).doesNotContain(dir.getFileName().toString())
                .doesNotContain("files/alice");
    }

    @Test
    void fileErrorsNameTheVirtualPath() throws IOException {
        portico.start(dir);
        Files.createSymbolicLink(home.resolve("loop"), home.resolve("loop"));
        TelnetPeer alice = portico.shell("alice", TestServices.ALICE_PASSWORD);
        String[][] cases = {
                {"cat etc/passwd", "cat: /etc/passwd: no such file or directory\n"},
                {"cd docs", ""},
                {"cat ../etc/passwd", "cat: /etc/passwd: no such file or directory\n"},
                {"head missing.txt", "head: /docs/missing.txt: no such file or directory\n"},
                {"mkdir /docs", "mkdir: /docs: already exists\n"},
                {"mkdir /a/b/c", "mkdir: /a/b/c: no such file or directory\n"},
                {"rm /docs", "rm: /docs: directory not empty\n"},
                {"cp gone.txt copy.txt", "cp: /docs/gone.txt: no such file or directory\n"},
                {"cat readme.txt/x", "cat: /docs/readme.txt/x: failed\n"},
                {"cat /loop", "cat: /loop: failed\n"},
        };
        for (String[] c : cases) {
            String out = alice.run(c[0]);
            assertNoHostPath(out);
            assertThat(out).as(c[0]).isEqualTo(c[1]);
        }
    }

    /**
     * A message deleted (by a POP3 session, say) between the listing and the reading: the Maildir
     * store's error names the message's file under the data folder; the shell names the message.
     */
    @Test
    void aVanishedMessageIsNamedByItsNumberNotItsFile() throws IOException {
        TestServices services = TestServices.create(dir);
        services.mail().deliver(List.of("alice"), new ByteArrayInputStream(
                "From: bob@localhost\r\nSubject: gone soon\r\n\r\ntext\r\n".getBytes()));
        MailStore vanishing = new Vanishing(services.mail(), dir.resolve("mail"));
        portico.start(services, new TelnetServer.Shared(services.listening(), services.logins(), services.files(),
                vanishing, services.domains(), services.users()));
        TelnetPeer alice = portico.shell("alice", TestServices.ALICE_PASSWORD);
        String out = alice.run("mail 1");
        assertNoHostPath(out);
        assertThat(out).isEqualTo("mail: message 1: no such file or directory\n");
        services.mail().deliver(List.of("alice"), new ByteArrayInputStream(
                "From: bob@localhost\r\nSubject: gone soon too\r\n\r\ntext\r\n".getBytes()));
        out = alice.run("mail");
        assertNoHostPath(out);
        assertThat(out).isEqualTo("mail: message 1: no such file or directory\n");
    }

    /** The real store, except that every message file goes (another session deletes them) just before a read. */
    private record Vanishing(MailStore delegate, Path maildir) implements DelegatingMailStore {
        @Override
        public Mailbox open(String user, boolean exclusive) throws IOException {
            return new VanishingBox(delegate.open(user, exclusive), maildir);
        }
    }

    private record VanishingBox(Mailbox delegate, Path maildir) implements DelegatingMailStore.DelegatingMailbox {
        @Override
        public InputStream content(String uid) throws IOException {
            try (Stream<Path> all = Files.walk(maildir)) {
                for (Path p : all.filter(Files::isRegularFile).toList()) Files.delete(p);
            }
            return delegate.content(uid);
        }
    }
}
