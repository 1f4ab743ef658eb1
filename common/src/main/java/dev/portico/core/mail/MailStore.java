package dev.portico.core.mail;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;

/** Every user's mailbox. SMTP delivers into it, POP3 and the shell read it. Thread-safe. */
public interface MailStore {

    /**
     * The role mailbox RFC 5321 4.5.1 requires every domain to have: mail to {@code postmaster}
     * goes here unless a user has that name (then it is that user's mailbox). Administrators read
     * it in the shell.
     */
    String POSTMASTER = "postmaster";

    /**
     * Stores one message in every listed mailbox, all or none: when this returns, every copy is
     * durable (fsync) and visible; when it throws, none is visible, and a full disk or quota is a
     * {@link dev.portico.core.StorageFullException}. The stream is read once, to its end, and
     * should hold CR LF lines.
     */
    void deliver(Collection<String> users, InputStream message) throws IOException;

    /**
     * Opens a mailbox. An exclusive one (POP3, RFC 1939 §8) fails with
     * {@link MailboxInUseException} while another exclusive one is open for the same user;
     * a shared one never fails that way and cannot delete.
     */
    Mailbox open(String user, boolean exclusive) throws IOException;

    /**
     * The names of the mailboxes that exist, sorted: users' mailboxes once they were opened or
     * delivered to, {@link #POSTMASTER}, and any other a delivery created. Listing never creates
     * one (as {@link #open} does), so a reader that asks after an unknown name leaves no trace.
     */
    List<String> mailboxes() throws IOException;

    /**
     * The user's folders for IMAP (INBOX is the mailbox {@link #open} gives POP3), made on first
     * use. Stores without folders refuse.
     */
    default MailFolders folders(String user) throws IOException {
        throw new UnsupportedOperationException("this mail store has no folders");
    }
}
