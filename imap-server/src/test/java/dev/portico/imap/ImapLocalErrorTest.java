package dev.portico.imap;

import dev.portico.core.StorageFullException;
import dev.portico.core.mail.MailFolders;
import dev.portico.core.mail.MailStore;
import dev.portico.core.mail.Mailbox;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A failing mail store: NO [OVERQUOTA] for a full disk, NO [SERVERBUG] for the rest, and the session goes on. */
@Timeout(10)
class ImapLocalErrorTest {

    @RegisterExtension
    final ImapFixture imap = new ImapFixture();

    /** The real store, except that APPEND fails with {@code failure}. */
    private MailStore failingAppend(IOException failure) {
        MailStore real = imap.services.mail();
        return new MailStore() {
            @Override public void deliver(Collection<String> users, InputStream message) throws IOException { real.deliver(users, message); }
            @Override public Mailbox open(String user, boolean exclusive) throws IOException { return real.open(user, exclusive); }
            @Override public List<String> mailboxes() throws IOException { return real.mailboxes(); }
            @Override public MailFolders folders(String user) throws IOException {
                MailFolders folders = real.folders(user);
                return (MailFolders) Proxy.newProxyInstance(MailFolders.class.getClassLoader(), new Class<?>[] {MailFolders.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("append")) throw failure;
                            try {
                                return method.invoke(folders, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
    }

    @Test
    void aFullDiskIsOverQuotaAndTheSessionGoesOn() throws IOException {
        imap.start(failingAppend(new StorageFullException(new IOException("No space left on device"))));
        try (RawClient c = imap.alice()) {
            c.send("a APPEND INBOX {5}");
            assertThat(c.readLine()).startsWith("+ ");
            c.sendRaw("hello\r\n");
            assertThat(c.readLine()).isEqualTo("a " + ImapReplies.OVER_QUOTA.line());
            ImapFixture.command(c, "b NOOP");
        }
    }

    @Test
    void anotherStoreFailureIsServerBug() throws IOException {
        imap.start(failingAppend(new IOException("disk on fire")));
        try (RawClient c = imap.alice()) {
            c.sendRaw("a APPEND INBOX {5+}\r\nhello\r\n");
            assertThat(c.readLine()).isEqualTo("a " + ImapReplies.STORAGE_FAILED.line());
            ImapFixture.command(c, "b NOOP");
        }
    }
}
