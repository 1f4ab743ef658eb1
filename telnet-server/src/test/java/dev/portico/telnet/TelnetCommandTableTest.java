package dev.portico.telnet;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portico.core.CommandTable;
import dev.portico.core.auth.User;
import dev.portico.core.fs.FileEntry;
import dev.portico.core.fs.FileStore;
import dev.portico.core.fs.FileStores;
import dev.portico.core.fs.VirtualPath;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;
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
        FileStores faulty = new FileStores() {
            @Override public FileStore home(User user) throws IOException {
                return new FaultyStore(real.files().home(user));
            }
            @Override public FileStore readOnly(Path root) throws IOException {
                return real.files().readOnly(root);
            }
        };
        portico.start(services, new TelnetServer.Shared(real.listening(), real.logins(), faulty, real.mail(),
                real.domains(), real.users()));
        Logger tableLog = (Logger) LoggerFactory.getLogger(CommandTable.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        tableLog.addAppender(logged);
        try {
            TelnetPeer p = portico.alice(TelnetPeer.Policy.TERMINAL);
            assertThat(p.run("ls")).isEqualTo("ls: " + TelnetReplies.INTERNAL_ERROR + "\n");
            assertThat(p.run("pwd")).isEqualTo("/\n");
            // An IllegalArgumentException is a bug like any other, not a message for the user.
            assertThat(p.run("stat bug")).isEqualTo("stat: " + TelnetReplies.INTERNAL_ERROR + "\n");
            assertThat(p.run("stat nothing")).startsWith("stat: ").endsWith(": no such file or directory\n");
            assertThat(p.run("whoami")).isEqualTo("alice\n");
        } finally {
            tableLog.detachAppender(logged);
        }
        // Other test classes run at the same time: only this test's faults count.
        List<ILoggingEvent> faults = logged.list.stream()
                .filter(e -> e.getThrowableProxy() != null && e.getThrowableProxy().getMessage().startsWith("injected"))
                .toList();
        assertThat(faults).hasSize(2).allSatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
        });
        assertThat(faults.get(0).getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
        assertThat(faults.get(1).getThrowableProxy().getClassName()).isEqualTo(IllegalArgumentException.class.getName());
    }

    /** A user's real home whose {@code list} is broken, and whose {@code stat} of "bug" throws. */
    private record FaultyStore(FileStore real) implements FileStore {
        @Override public List<FileEntry> list(VirtualPath directory) {
            throw new IllegalStateException("injected: list is broken");
        }
        @Override public FileEntry stat(VirtualPath path) throws IOException {
            if (path.name().equals("bug")) throw new IllegalArgumentException("injected: a bug, not the user's mistake");
            return real.stat(path);
        }
        @Override public FileChannel openRead(VirtualPath path) throws IOException { return real.openRead(path); }
        @Override public FileChannel openWrite(VirtualPath path, boolean append, long offset) throws IOException {
            return real.openWrite(path, append, offset);
        }
        @Override public VirtualPath createUnique(VirtualPath directory, String prefix) throws IOException {
            return real.createUnique(directory, prefix);
        }
        @Override public void createDirectory(VirtualPath path) throws IOException { real.createDirectory(path); }
        @Override public void delete(VirtualPath path) throws IOException { real.delete(path); }
        @Override public void rename(VirtualPath from, VirtualPath to) throws IOException { real.rename(from, to); }
        @Override public void copy(VirtualPath from, VirtualPath to) throws IOException { real.copy(from, to); }
        @Override public void setModified(VirtualPath path, Instant time) throws IOException { real.setModified(path, time); }
        @Override public boolean isWritable() { return real.isWritable(); }
    }
}
