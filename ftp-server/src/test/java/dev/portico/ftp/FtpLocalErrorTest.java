package dev.portico.ftp;

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
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bug below a handler (here users' file stores whose {@code list} throws
 * {@link IllegalStateException} instead of an {@link IOException}), injected through
 * {@link FtpServer.Shared#files()}, is logged with its stack trace and answered with
 * {@code 451}; the session goes on.
 */
@Timeout(30)
class FtpLocalErrorTest {

    private static final String BUG = "test: the store lost its way";

    @RegisterExtension
    final FtpTestServer ftp = new FtpTestServer();

    private final Logger tableLog = (Logger) LoggerFactory.getLogger(CommandTable.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    /** The real stores, except that listing a user's directory is a bug. */
    private record BrokenListing(FileStores real) implements FileStores {
        @Override
        public FileStore home(User user) throws IOException {
            return new ListingFails(real.home(user));
        }

        @Override
        public FileStore readOnly(Path root) throws IOException {
            return real.readOnly(root);
        }
    }

    private record ListingFails(FileStore real) implements FileStore {
        @Override public List<FileEntry> list(VirtualPath directory) { throw new IllegalStateException(BUG); }
        @Override public FileEntry stat(VirtualPath path) throws IOException { return real.stat(path); }
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

    @BeforeEach
    void captureTheTablesLog() {
        logged.start();
        tableLog.addAppender(logged);
    }

    @AfterEach
    void releaseTheLog() {
        tableLog.detachAppender(logged);
    }

    @Test
    void aFailingStoreIsALocalErrorAndTheSessionGoesOn() throws Exception {
        ftp.start(BrokenListing::new);
        ftp.write("alice", "f.txt", "file");
        try (RawClient raw = RawFtp.alice(ftp.port())) {
            RawFtp.pasv(raw);
            raw.send("LIST").expect(FtpReplies.LOCAL_ERROR.toString());
            raw.send("STAT /").expect(FtpReplies.LOCAL_ERROR.toString());
            raw.send("PWD").expect("257 \"/\"");
            // what does not list still works, on the same session
            raw.send("SIZE f.txt").expect("213 4");
            raw.send("NOOP").expect("200");
        }
        assertThat(logged.list).filteredOn(e -> e.getThrowableProxy() != null && BUG.equals(e.getThrowableProxy().getMessage()))
                .hasSize(2).allMatch(e -> e.getLevel() == Level.ERROR)
                .extracting(ILoggingEvent::getFormattedMessage)
                .allMatch(m -> m.endsWith("failed")).anyMatch(m -> m.contains("LIST")).anyMatch(m -> m.contains("STAT"));
    }
}
