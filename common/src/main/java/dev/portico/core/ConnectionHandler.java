package dev.portico.core;

import java.io.IOException;

/** What a protocol gives {@link LineServer}: the whole life of one connection, on its own virtual thread. */
@FunctionalInterface
public interface ConnectionHandler {
    /**
     * Serves one connection until the session ends. The server closes the connection afterwards.
     * An {@link IOException} ends the session quietly; anything else is logged as a bug.
     */
    void serve(LineConnection connection) throws IOException;
}
