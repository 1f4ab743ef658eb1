package dev.portico.telnet;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.portico.core.CommandTable;
import dev.portico.core.auth.User;
import dev.portico.core.fs.DelegatingFileStore;
import dev.portico.core.fs.DelegatingFileStores;
import dev.portico.core.fs.FileEntry;
import dev.portico.core.fs.FileStore;
import dev.portico.core.fs.FileStores;
import dev.portico.core.fs.VirtualPath;
import dev.portico.testing.LogCapture;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link ShellVerb#TABLE} decides before and after a handler, over a real socket. */
@Timeout(30)
class TelnetCommandTableTest {

    @TempDir Path dir;
    @RegisterExtension final TelnetTestServer portico = new TelnetTestServer();

    static Stream<Arguments> gates() {
        String adminOnly = ": " + TelnetReplies.ADMIN_ONLY + "\n", notFound = ": " + TelnetReplies.NOT_FOUND_HINT + "\n";
        return Stream.of(
                // the phase: console commands only for admins, whatever the case they are typed in
                Arguments.of("bob", "sessions", "sessions" + adminOnly),
                Arguments.of("bob", "KICK 1", "kick" + adminOnly),
                Arguments.of("bob", "users add mallory x", "users" + adminOnly),
                Arguments.of("alice", "stats", "SERVER"),
                Arguments.of("alice", "bans", "No banned addresses.\n"),
                Arguments.of("bob", "whoami", "bob\n"),
                // unknown commands, for everyone
                Arguments.of("bob", "frobnicate now", "frobnicate" + notFound),
                Arguments.of("alice", "Frobnicate", "frobnicate" + notFound));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void gates(String user, String command, String expected) throws IOException {
        portico.start(dir);
        TelnetPeer p = portico.loggedIn(TelnetPeer.Policy.TERMINAL, user,
                user.equals("alice") ? TestServices.ALICE_PASSWORD : TestServices.BOB_PASSWORD);
        String out = p.run(command);
        if (expected.endsWith("\n")) assertThat(out).isEqualTo(expected);
        else assertThat(out).contains(expected);
        assertThat(p.run("pwd")).isEqualTo("/\n");
    }

    @Test
    void unknownCommandsHaveNoBudgetInTheShell() throws IOException {
        portico.start(dir);
        TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL);
        for (int i = 0; i < 30; i++) {
            assertThat(p.run("nope" + i)).isEqualTo("nope" + i + ": " + TelnetReplies.NOT_FOUND_HINT + "\n");
        }
        assertThat(p.run("whoami")).isEqualTo("alice\n");
    }

    @Test
    void aHandlerBugIsLoggedAnsweredWithOneLineAndTheSessionGoesOn() throws IOException {
        TestServices services = TestServices.create(dir);
        TelnetServer.Shared real = TelnetTestServer.shared(services);
        portico.start(services, new TelnetServer.Shared(real.listening(), real.logins(), new Faulty(real.files()), real.mail(),
                real.domains(), real.users()));
        List<ILoggingEvent> faults;
        try (LogCapture log = LogCapture.of(Level.ERROR, CommandTable.class)) {
            TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL);
            assertThat(p.run("ls")).isEqualTo("ls: " + TelnetReplies.INTERNAL_ERROR + "\n");
            assertThat(p.run("pwd")).isEqualTo("/\n");
            // An IllegalArgumentException is a bug like any other, not a message for the user.
            assertThat(p.run("stat bug")).isEqualTo("stat: " + TelnetReplies.INTERNAL_ERROR + "\n");
            assertThat(p.run("stat nothing")).startsWith("stat: ").endsWith(": no such file or directory\n");
            assertThat(p.run("whoami")).isEqualTo("alice\n");
            // Other test classes run at the same time: only this test's faults count.
            faults = log.thrown(INJECTED);
        }
        assertThat(faults).hasSize(2).allSatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
        });
        assertThat(faults.get(0).getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
        assertThat(faults.get(1).getThrowableProxy().getClassName()).isEqualTo(IllegalArgumentException.class.getName());
    }

    private static final String INJECTED = "test: injected";

    /** The real stores, except for the users' homes. */
    private record Faulty(FileStores delegate) implements DelegatingFileStores {
        @Override public FileStore home(User user) throws IOException {
            return new FaultyStore(delegate.home(user));
        }
    }

    /** A user's real home whose {@code list} is broken, and whose {@code stat} of "bug" throws. */
    private record FaultyStore(FileStore delegate) implements DelegatingFileStore {
        @Override public List<FileEntry> list(VirtualPath directory) {
            throw new IllegalStateException(INJECTED + ": list is broken");
        }
        @Override public FileEntry stat(VirtualPath path) throws IOException {
            if (path.name().equals("bug")) throw new IllegalArgumentException(INJECTED + ": a bug, not the user's mistake");
            return delegate.stat(path);
        }
    }
}
