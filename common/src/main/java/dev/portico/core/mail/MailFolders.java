package dev.portico.core.mail;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One user's folders, as IMAP sees them: INBOX is the user's Maildir itself, every other folder a
 * Maildir++ subfolder of it ({@code Maildir/.Sent}, {@code Maildir/.Archive.2026}), so Dovecot,
 * mutt and other Maildir tools read the same tree. Names given and returned here are IMAP names
 * with {@link #DELIMITER} as the hierarchy separator ({@code Archive/2026}); INBOX is matched
 * case-insensitively (RFC 9051 5.1). Names are Unicode, as IMAP4rev2 sends them in UTF-8
 * ({@code Entwürfe}); an IMAP4rev1 session converts from and to the modified UTF-7 of its wire
 * ({@code Entw&APw-rfe}) with {@link FolderNames#fromModifiedUtf7} and {@link FolderNames#toModifiedUtf7}.
 * A name the store refuses ({@code ..}, a {@code .}, control characters; see {@link FolderNames})
 * fails with {@link FolderNameException}. Thread-safe; one per user, got from {@link MailStore#folders}.
 */
public interface MailFolders {

    char DELIMITER = '/';
    String INBOX = "INBOX";

    /** RFC 6154 special uses, created for every user on first use. */
    enum SpecialUse { SENT, DRAFTS, TRASH, JUNK, ARCHIVE }

    /**
     * @param name        the IMAP name
     * @param specialUse  null, or what the folder is for
     * @param hasChildren whether another folder lies below it (RFC 3348 CHILDREN)
     */
    record FolderInfo(String name, SpecialUse specialUse, boolean hasChildren) {}

    /** Every folder, INBOX first, then by name; made once with the special-use folders. */
    List<FolderInfo> list() throws IOException;

    /** @throws java.nio.file.FileAlreadyExistsException when it exists */
    void create(String name) throws IOException;

    /** Deletes a folder and its messages; INBOX cannot be deleted. */
    void delete(String name) throws IOException;

    /** Renames a folder and those below it; renaming INBOX moves its messages (RFC 9051 6.3.6). */
    void rename(String from, String to) throws IOException;

    Set<String> subscriptions() throws IOException;

    void subscribe(String name, boolean on) throws IOException;

    /**
     * Opens a view of one folder for one session (a shared view: POP3's exclusive lock does not
     * block it). {@code readOnly} is EXAMINE.
     *
     * @throws java.nio.file.NoSuchFileException when the folder does not exist
     */
    Folder open(String name, boolean readOnly) throws IOException;

    /**
     * Appends a message (APPEND), durable when this returns, as a delivery is.
     *
     * @return the folder's UIDVALIDITY and the message's UID (UIDPLUS APPENDUID)
     */
    long[] append(String folder, InputStream message, Set<String> flags, Instant internalDate) throws IOException;

    /** STATUS without opening a view. */
    Folder.Status status(String name) throws IOException;
}
