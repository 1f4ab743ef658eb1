package dev.portico.core;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One protocol's verbs, the session phases each is allowed in, and their handlers. The single
 * place that answers unknown verbs and verbs used in the wrong phase ("not logged in", "bad
 * sequence"), so no handler has to.
 *
 * @param <S> the protocol's session type
 * @param <P> the protocol's phase enum
 * @param <R> the protocol's reply type
 */
public final class CommandTable<S, P extends Enum<P>, R> {

    /** A verb's handler: gets the session and the argument text (empty when none). */
    @FunctionalInterface
    public interface Handler<S, R> {
        R handle(S session, String argument) throws IOException;
    }

    /** One verb. Aliases (FTP's {@code XPWD}) are rows of their own. */
    public record Row<S, P, R>(String verb, Set<P> phases, Handler<S, R> handler) {}

    /** The protocol's answers for what the table refuses. */
    public interface Refusals<P, R> {
        R unknown(String verb);
        R wrongPhase(String verb, P phase);
    }

    private final Map<String, Row<S, P, R>> rows = new HashMap<>();
    private final Refusals<P, R> refusals;

    public CommandTable(Collection<Row<S, P, R>> rows, Refusals<P, R> refusals) {
        for (Row<S, P, R> r : rows) {
            if (this.rows.put(r.verb(), r) != null) throw new IllegalArgumentException("duplicate verb " + r.verb());
        }
        this.refusals = refusals;
    }

    /** Builds the table from a verb enum, whose constant names are the verbs. */
    public static <S, P extends Enum<P>, R, V extends Enum<V>> CommandTable<S, P, R> of(
            Class<V> verbs, Function<V, Set<P>> phases, Function<V, Handler<S, R>> handler, Refusals<P, R> refusals) {
        return new CommandTable<>(java.util.Arrays.stream(verbs.getEnumConstants())
                .map(v -> new Row<>(v.name(), phases.apply(v), handler.apply(v))).toList(), refusals);
    }

    public boolean knows(String verb) {
        return rows.containsKey(verb);
    }

    /** Runs the verb's handler if the verb exists and is allowed in {@code phase}. */
    public R dispatch(S session, P phase, CommandLine line) throws IOException {
        Row<S, P, R> row = rows.get(line.verb());
        if (row == null) return refusals.unknown(line.verb());
        if (!row.phases().contains(phase)) return refusals.wrongPhase(line.verb(), phase);
        return row.handler().handle(session, line.argument());
    }
}
