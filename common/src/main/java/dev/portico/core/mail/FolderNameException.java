package dev.portico.core.mail;

import java.io.IOException;

/**
 * A folder name the store refuses (see {@link FolderNames}): a client's mistake, not a storage
 * failure, so IMAP answers {@code NO [CANNOT]} with the message, which names no path.
 */
public final class FolderNameException extends IOException {
    public FolderNameException(String reason) {
        super(reason);
    }
}
