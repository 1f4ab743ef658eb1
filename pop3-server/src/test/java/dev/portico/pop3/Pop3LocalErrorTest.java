package dev.portico.pop3;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.portico.core.CommandTable;
import dev.portico.core.mail.MailStore;
import dev.portico.core.mail.Mailbox;
import dev.portico.testing.DelegatingMailStore;
import dev.portico.testing.LogCapture;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The real Maildir store, except that reading a message's content is a bug. */
    private record BrokenContent(MailStore delegate) implements DelegatingMailStore {
        @Override
        public Mailbox open(String user, boolean exclusive) throws IOException {
            return new ContentFails(delegate.open(user, exclusive));
        }
    }

    private record ContentFails(Mailbox delegate) implements DelegatingMailStore.DelegatingMailbox {
        @Override public InputStream content(String uid) { throw new IllegalStateException(BUG); }
    }

    @Test
    void aFailingStoreIsALocalErrorAndTheSessionGoesOn() throws IOException {
        pop3.deliver("alice", TestMessages.simple("one", "first\r\n"));
        pop3.deliver("alice", TestMessages.simple("two", "second\r\n"));
        pop3.start(new BrokenContent(pop3.services.mail()));
        try (LogCapture log = LogCapture.of(Level.ERROR, CommandTable.class); RawClient c = pop3.alice()) {
            assertThat(c.send("RETR 1").readLine()).isEqualTo(Pop3Replies.LOCAL_ERROR.line());
            assertThat(c.send("TOP 2 0").readLine()).isEqualTo(Pop3Replies.LOCAL_ERROR.line());
            c.send("STAT").expect("+OK 2 ");
            c.send("NOOP").expect("+OK");
            c.send("DELE 2").expect("+OK message 2 deleted");
            c.send("QUIT").expect("+OK Portico POP3 server signing off (1 messages left)");
            c.expectClosed();
            assertThat(log.thrown(BUG)).extracting(ILoggingEvent::getFormattedMessage)
                    .hasSize(2).allMatch(m -> m.endsWith("failed")).anyMatch(m -> m.contains("RETR"));
        }
        // The failed RETR did not count as retrieved: message 1 stays unseen in new/.
        try (Stream<Path> s = Files.list(pop3.maildir("alice").resolve("new"))) {
            assertThat(s.count()).isEqualTo(1);
        }
    }
}
