package dev.portico.core;

import java.io.IOException;

/**
 * A protocol session served one command at a time, so that {@link LineServer} can let it wait for
 * its next command without a thread: idle sessions dominate a busy server's memory, and a parked
 * virtual thread keeps its whole stack (2.7 KiB measured for FTP) besides the read buffer it is
 * blocked in. Between two commands nothing of the session lives but its state.
 *
 * <p>The server calls {@link #step()} on some thread, platform or virtual, whenever the next
 * command's first bytes are there (or its read would time out), never on two threads at once; the
 * session's fields need no more care than with one thread, as each hand-over is a thread start.
 */
public interface CommandSession {

    /**
     * Reads one command (it blocks as {@link LineConnection#readLine()} does, raising its
     * timeouts) and answers it. Returns false when the session is over.
     */
    boolean step() throws IOException;

    /**
     * Whether the session may wait for its next command without a thread now: false while anything
     * else works for it (an FTP transfer, which writes its own reply) or needs the blocking read's
     * timeout to return to the session.
     */
    default boolean mayPause() {
        return true;
    }

    /** Called once when the session is over, however it ended, before the connection is closed. */
    default void end() {
    }

    /** A {@link ConnectionHandler} whose sessions are {@link CommandSession}s. */
    @FunctionalInterface
    interface Opener extends ConnectionHandler {

        /** Starts a session on a new connection (the greeting) and returns it. */
        CommandSession open(LineConnection connection) throws IOException;

        /**
         * Whether every step ends soon after its command has come, so that the session may run on
         * one of the server's platform threads while its client converses ({@link LineServer}).
         * False when a step may wait on the client for as long as the client likes (IMAP's IDLE):
         * it would hold a platform thread, of which there are few, for all that time.
         */
        default boolean quickSteps() {
            return true;
        }

        /** Serves the whole session on the calling thread, as a plain {@link ConnectionHandler}. */
        @Override
        default void serve(LineConnection connection) throws IOException {
            CommandSession s = open(connection);
            try {
                while (s.step()) {
                    // one command per step
                }
            } finally {
                s.end();
            }
        }
    }
}
