package dev.portico.core.mail;

import java.io.IOException;
import java.util.List;

/**
 * The outbound mail queue as administrators see it (the shell's {@code queue}, {@code portico
 * queue}): kept by the SMTP server's relay, shown to other modules through this interface only.
 */
public interface OutboundQueue {

    /** No queue: nothing is listed, nothing can be changed. */
    OutboundQueue NONE = new OutboundQueue() {
        @Override public List<String> describe() { return List.of(); }
        @Override public int flush() { return 0; }
        @Override public boolean delete(String id) { return false; }
        @Override public boolean bounce(String id) { return false; }
    };

    /** One line per message (id, size, arrival, sender), then one indented line per recipient with its state. */
    List<String> describe() throws IOException;

    /** Makes every pending recipient due now; returns how many messages changed. */
    int flush() throws IOException;

    /** Removes a message without telling anyone; false when there is none of that id. */
    boolean delete(String id) throws IOException;

    /** Fails every pending recipient of a message, so its sender gets a bounce; false when there is none. */
    boolean bounce(String id) throws IOException;
}
