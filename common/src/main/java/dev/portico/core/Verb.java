package dev.portico.core;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * One row of a protocol's command table. Each protocol's verbs are an enum implementing this
 * ({@code SmtpVerb}, {@code FtpVerb}...), so the whole protocol reads on one screen: the verb,
 * the phases it may run in, its handler and the gates it must pass. {@link CommandTable} applies
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

    /** What a verb enum constant carries: its phases, handler and gates. */
    record Row<S, P extends Enum<P>, R>(Set<P> phases, CommandTable.Handler<S, R> handler, Set<Gate> gates) {
        public Row {
            phases = Set.copyOf(phases);
            gates = Set.copyOf(gates);
        }

        public static <S, P extends Enum<P>, R> Row<S, P, R> of(Set<P> phases, CommandTable.Handler<S, R> handler, Gate... gates) {
            return new Row<>(phases, handler, gates.length == 0 ? EnumSet.noneOf(Gate.class) : EnumSet.copyOf(Arrays.asList(gates)));
        }
    }

    /** The verb as clients send it, in upper case: the enum constant's name. */
    String name();

    Row<S, P, R> row();
}
