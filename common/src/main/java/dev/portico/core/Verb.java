package dev.portico.core;

import java.util.Set;

/**
 * One row of a protocol's command table. Each protocol's verbs are an enum implementing this
 * ({@code SmtpVerb}, {@code FtpVerb}...), so the whole protocol reads on one screen: the verb,
 * the phases it may run in, the gates it must pass and its handler. {@link CommandTable} applies
 * every part of the row; handlers never re-check them.
 *
 * @param <S> the protocol's session type
 * @param <P> the protocol's phase enum
 * @param <R> the protocol's reply type
 */
public interface Verb<S, P extends Enum<P>, R> {

    /** What a verb must satisfy besides its phase. */
    enum Gate {
        /** Refused while the session's policy requires TLS for the verb and it is missing (SMTP MAIL, FTP USER and data verbs). */
        TLS,
        /** Refused until the client has logged in, where the session's policy requires a login (SMTP submission). */
        LOGIN,
        /** May run while a data transfer is in progress (FTP ABOR, STAT, NOOP); every other verb waits for it to end. */
        DURING_TRANSFER
    }

    /** The verb as clients send it, in upper case: the enum constant's name. */
    String name();

    Set<P> phases();

    Set<Gate> gates();

    CommandTable.Handler<S, R> handler();
}
