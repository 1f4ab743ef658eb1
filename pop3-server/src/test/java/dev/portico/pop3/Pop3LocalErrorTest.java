package dev.portico.pop3;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portico.core.CommandTable;
import dev.portico.core.mail.MailStore;
import dev.portico.core.mail.Mailbox;
import dev.portico.core.mail.MessageInfo;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bug below a handler (here a mail store that throws {@link IllegalStateException} instead of
 * an {@link IOException}) is logged with its stack trace and answered with the local-error
 * {@code -ERR}; the session goes on and QUIT still applies its marks.
 */
@Timeout(10)
class Pop3LocalErrorTest {

    private static final String BUG = "test: the store lost its way";

    @RegisterExtension
    final Pop3Fixture pop3 = new Pop3Fixture();

    private final Logger tableLog = (Logger) LoggerFactory.getLogger(CommandTable.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    /** The real Maildir store, except that reading a message's content is a bug. */
    private record BrokenContent(MailStore real) implements MailStore {
        @Override
        public void deliver(Collection<String> users, InputStream message) throws IOException {
            real.deliver(users, message);
        }

        @Override
        public List<String> mailboxes() throws IOException {
            return real.mailboxes();
        }

        @Override
        public Mailbox open(String user, boolean exclusive) throws IOException {
            Mailbox box = real.open(user, exclusive);
            return new Mailbox() {
                @Override public List<MessageInfo> messages() { return box.messages(); }
                @Override public InputStream content(String uid) { throw new IllegalStateException(BUG); }
                @Override public void markSeen(Collection<String> uids) throws IOException { box.markSeen(uids); }
                @Override public void delete(Collection<String> uids) throws IOException { box.delete(uids); }
                @Override public void close() { box.close(); }
            };
        }
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
    void aFailingStoreIsALocalErrorAndTheSessionGoesOn() throws IOException {
        pop3.deliver("alice", TestMessages.simple("one", "first\r\n"));
        pop3.deliver("alice", TestMessages.simple("two", "second\r\n"));
        pop3.start(new BrokenContent(pop3.services.mail()));
        try (RawClient c = pop3.alice()) {
            assertThat(c.send("RETR 1").readLine()).isEqualTo(Pop3Replies.LOCAL_ERROR.line());
            assertThat(c.send("TOP 2 0").readLine()).isEqualTo(Pop3Replies.LOCAL_ERROR.line());
            c.send("STAT").expect("+OK 2 ");
            c.send("NOOP").expect("+OK");
            c.send("DELE 2").expect("+OK message 2 deleted");
            c.send("QUIT").expect("+OK Portico POP3 server signing off (1 messages left)");
            c.expectClosed();
        }
        assertThat(logged.list).filteredOn(e -> e.getThrowableProxy() != null && BUG.equals(e.getThrowableProxy().getMessage()))
                .extracting(ILoggingEvent::getFormattedMessage)
                .hasSize(2).allMatch(m -> m.endsWith("failed")).anyMatch(m -> m.contains("RETR"));
        // The failed RETR did not count as retrieved: message 1 stays unseen in new/.
        try (Stream<Path> s = Files.list(pop3.maildir("alice").resolve("new"))) {
            assertThat(s.count()).isEqualTo(1);
        }
    }
}
