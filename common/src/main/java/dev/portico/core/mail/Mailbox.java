package dev.portico.core.mail;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;

/**
 * A snapshot of one user's mailbox, taken when it was opened: messages delivered later are not
 * in it (POP3 numbers messages once per session). Belongs to one session; close it when done.
 */
public interface Mailbox extends AutoCloseable {

    /** Messages in arrival order. */
    List<MessageInfo> messages();

    InputStream content(String uid) throws IOException;

    /** Moves messages from {@code new/} to {@code cur/} with the Maildir "seen" flag. */
    void markSeen(Collection<String> uids) throws IOException;

    /** Deletes messages for good. POP3 calls this only in its UPDATE state. */
    void delete(Collection<String> uids) throws IOException;

    @Override
    void close();
}
