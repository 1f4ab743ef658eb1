package dev.portico.testing;

import dev.portico.core.mail.MailStore;
import dev.portico.core.mail.Mailbox;
import dev.portico.core.mail.MessageInfo;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;

/**
 * A {@link MailStore} that hands every call to {@link #delegate()}: a test's faulty store
 * overrides {@link #open} and wraps the mailbox in a {@link DelegatingMailbox} that overrides the
 * one call it breaks.
 */
public interface DelegatingMailStore extends MailStore {

    MailStore delegate();

    @Override
    default void deliver(Collection<String> users, InputStream message) throws IOException {
        delegate().deliver(users, message);
    }

    @Override
    default Mailbox open(String user, boolean exclusive) throws IOException {
        return delegate().open(user, exclusive);
    }

    @Override
    default List<String> mailboxes() throws IOException {
        return delegate().mailboxes();
    }

    /** A {@link Mailbox} that hands every call to {@link #delegate()}. */
    interface DelegatingMailbox extends Mailbox {

        Mailbox delegate();

        @Override
        default List<MessageInfo> messages() {
            return delegate().messages();
        }

        @Override
        default InputStream content(String uid) throws IOException {
            return delegate().content(uid);
        }

        @Override
        default void markSeen(Collection<String> uids) throws IOException {
            delegate().markSeen(uids);
        }

        @Override
        default void delete(Collection<String> uids) throws IOException {
            delegate().delete(uids);
        }

        @Override
        default void close() {
            delegate().close();
        }
    }
}
