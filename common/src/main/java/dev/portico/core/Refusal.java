package dev.portico.core;

import java.util.Objects;

/**
 * The one way code below a handler refuses a command: thrown with the protocol's reply, caught
 * by {@link CommandTable#dispatch}, which sends that reply and lets the session go on. A handler
 * that can refuse directly simply returns the reply. Any other exception from a handler is a bug:
 * logged with its stack trace and answered with the protocol's local-error reply, never dressed
 * up as a user error.
 */
public final class Refusal extends RuntimeException {

    private final transient Object reply;

    /** @param reply the reply to send, of the protocol's reply type */
    public Refusal(Object reply) {
        super(String.valueOf(reply), null, false, false);   // ordinary control flow: no stack trace
        this.reply = Objects.requireNonNull(reply);
    }

    public Object reply() {
        return reply;
    }
}
