package dev.portico.core;

import java.io.IOException;

/**
 * A line held a bare LF or bare CR where only CR LF is allowed. The line was consumed and thrown
 * away, so the session can answer with an error and read the next line.
 */
public final class BareLineEndingException extends IOException {
    public BareLineEndingException() {
        super("bare LF or CR in line");
    }
}
