package dev.portico.ftp;

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
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bug below a handler (here users' file stores whose {@code list} and {@code entries} throw
 * {@link IllegalStateException} instead of an {@link IOException}), injected through
 * {@link FtpServer.Shared#files()}, is logged with its stack trace and answered with
 * {@code 451}; the session goes on.
 */
@Timeout(30)
class FtpLocalErrorTest {

    private static final String BUG = "test: the store lost its way";

    @RegisterExtension
    final FtpTestServer ftp = new FtpTestServer();

    /** The real stores, except that listing a user's directory is a bug. */
    private record BrokenListing(FileStores delegate) implements DelegatingFileStores {
        @Override
        public FileStore home(User user) throws IOException {
            return new ListingFails(delegate.home(user));
        }
    }

    private record ListingFails(FileStore delegate) implements DelegatingFileStore {
        @Override public List<FileEntry> list(VirtualPath directory) { throw new IllegalStateException(BUG); }
        @Override public Stream<FileEntry> entries(VirtualPath directory) { throw new IllegalStateException(BUG); }
    }

    @Test
    void aFailingStoreIsALocalErrorAndTheSessionGoesOn() throws Exception {
        ftp.start(BrokenListing::new);
        ftp.write("alice", "f.txt", "file");
        try (LogCapture log = LogCapture.of(Level.ERROR, CommandTable.class);
             RawClient raw = RawFtp.alice(ftp.port())) {
            RawFtp.pasv(raw);
            raw.send("LIST").expect(FtpReplies.LOCAL_ERROR.toString());
            raw.send("STAT /").expect(FtpReplies.LOCAL_ERROR.toString());
            raw.send("PWD").expect("257 \"/\"");
            // what does not list still works, on the same session
            raw.send("SIZE f.txt").expect("213 4");
            raw.send("NOOP").expect("200");
            assertThat(log.thrown(BUG)).hasSize(2).allMatch(e -> e.getLevel() == Level.ERROR)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .allMatch(m -> m.endsWith("failed")).anyMatch(m -> m.contains("LIST")).anyMatch(m -> m.contains("STAT"));
        }
    }
}
