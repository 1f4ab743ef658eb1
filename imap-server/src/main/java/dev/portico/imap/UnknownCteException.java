package dev.portico.imap;

/**
 * A BINARY fetch (RFC 3516) of a part whose Content-Transfer-Encoding the server cannot undo: the
 * session answers {@code NO [UNKNOWN-CTE]}.
 */
public final class UnknownCteException extends Exception {

    private final String encoding;

    public UnknownCteException(String encoding) {
        super("unknown Content-Transfer-Encoding: " + encoding, null, false, false);
        this.encoding = encoding;
    }

    /** The encoding as the part names it. */
    public String encoding() {
        return encoding;
    }
}
