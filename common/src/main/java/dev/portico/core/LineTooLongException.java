package dev.portico.core;

import java.io.IOException;

/**
 * A line passed the connection's maximum length. The rest of the line was consumed and thrown
 * away, so the session can answer with an error and read the next line.
 */
public final class LineTooLongException extends IOException {
    public LineTooLongException(int limit) {
        super("line longer than " + limit + " bytes");
    }
}
