package dev.portico.core;

/**
 * Sees what every connection of a {@link SessionRegistry} reads and writes, as the session sees it
 * (after TLS, before any protocol parsing): the test toolkit's wire transcripts. Installed with
 * {@link SessionRegistry#tap(WireTap)}; a server without one pays one null check per read and write.
 * FTP data connections are not connections of the registry and are not seen.
 */
@FunctionalInterface
public interface WireTap {

    /**
     * A connection was accepted (and its implicit TLS handshake done). Called on the session's own
     * thread before the session's first byte, from any number of sessions at once.
     *
     * @return where this connection's traffic goes, or null to leave it alone
     */
    Recorder opened(LineConnection connection);

    /**
     * One connection's traffic. {@link #received} is called from the session's thread, {@link #sent}
     * under the connection's write lock, from the session's or an FTP transfer's thread: an
     * implementation guards what both touch. The arrays are the connection's own buffers: copy what
     * is kept, and never keep the array.
     */
    interface Recorder {
        /** Bytes the client sent, as read from the socket. */
        void received(byte[] data, int offset, int length);

        /** Bytes the server wrote (possibly not flushed yet). */
        void sent(byte[] data, int offset, int length);

        /** The connection is closed; nothing more comes. */
        default void closed() {}
    }
}
