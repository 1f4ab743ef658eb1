package dev.portico.imap;

import java.io.IOException;
import java.io.InputStream;

/**
 * A bounded cache of parsed messages shared by the sessions of one server, weighed by message size
 * (a view holds the message's bytes). The key names a message for good: a folder's identity, its
 * UIDVALIDITY and the UID, which never name another message (RFC 9051 2.3.1.1).
 */
public final class MessageViews {

    /** Opens the message as sent (CR LF line ends): {@code () -> folder.content(uid)}. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    /**
     * @param maxBytes the octets of messages held at most
     */
    public MessageViews(long maxBytes) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The view of a message, parsed on first use.
     *
     * @param folder      what names the folder for good within the process (its path, say, which holds the user)
     * @param uidValidity the folder's UIDVALIDITY
     * @param uid         the message's UID
     * @param size        its octets as sent (RFC822.SIZE)
     * @param source      opens it when it is not cached
     */
    public MessageView get(String folder, long uidValidity, long uid, long size, Source source) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Forgets every message of a folder (after it is deleted or its UIDVALIDITY changed). */
    public void forget(String folder) {
        throw new UnsupportedOperationException("not yet");
    }
}
