package dev.portico.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * One protocol's verbs and the single place that decides whether a command line may run. For each
 * line it looks the verb up once, then applies, in this order: the wait for a running transfer
 * (unless the verb may run during one), unknown verbs (which spend the session's
 * {@link CommandBudget}), the {@link Verb.Gate#TLS} gate, the phase, the {@link Verb.Gate#LOGIN}
 * gate, and finally runs the handler. It also turns what a handler throws into a reply: a
 * {@link Refusal} into its reply, any other runtime exception (a bug) into a logged stack trace
 * and the protocol's local-error reply. The protocol supplies the wording through
 * {@link Refusals}; handlers never re-check any of this.
 *
 * @param <S> the protocol's session type
 * @param <P> the protocol's phase enum
 * @param <R> the protocol's reply type
 */
public final class CommandTable<S extends CommandTable.SessionState<P>, P extends Enum<P>, R> {

    private static final Logger log = LoggerFactory.getLogger(CommandTable.class);

    /** A verb's handler: gets the session and the argument text (empty when none). */
    @FunctionalInterface
    public interface Handler<S, R> {
        R handle(S session, String argument) throws IOException;
    }

    /** What the table asks of a session to apply the gates. */
    public interface SessionState<P extends Enum<P>> {
        P phase();

        /**
         * Whether the session's policy requires TLS for this verb and it is not there yet: a plain
         * control connection, or for FTP's data verbs, data connections without PROT P.
         */
        default boolean tlsMissing(Verb<?, P, ?> verb) {
            return false;
        }

        /** Whether the session's policy requires a login and the client has not logged in. */
        default boolean loginMissing() {
            return false;
        }

        /** The bad-line budget of this session; unlimited unless the protocol sets one. */
        default CommandBudget badCommands() {
            return CommandBudget.UNLIMITED;
        }

        /**
         * Runs before every command line. {@code waitForTransfer} is false only for verbs with
         * {@link Verb.Gate#DURING_TRANSFER}: the others wait here until a running transfer has
         * sent its final reply (RFC 959 §5.3). Protocols without transfers do nothing.
         */
        default void settle(boolean waitForTransfer) throws IOException {
        }
    }

    /** The protocol's replies for what the table refuses. */
    public interface Refusals<S, P extends Enum<P>, R> {
        R unknown(S session, String verb);

        /** A known verb outside its phases; may read what the command carries (SMTP BDAT's chunk). */
        R wrongPhase(S session, CommandLine line, P phase) throws IOException;

        default R tlsRequired(S session, Verb<S, P, R> verb) {
            throw new IllegalStateException(verb.name() + " has the TLS gate but the protocol has no reply for it");
        }

        default R loginRequired(S session, Verb<S, P, R> verb) {
            throw new IllegalStateException(verb.name() + " has the LOGIN gate but the protocol has no reply for it");
        }

        /** The session spent its bad-line budget: a reply that closes it. */
        default R tooManyBadCommands(S session) {
            throw new IllegalStateException("the protocol set a bad-command budget but has no reply for it");
        }

        /** A handler of {@code verb} failed unexpectedly (FTP 451, SMTP 451 4.3.0, POP3 -ERR); the session goes on. */
        R localError(S session, String verb);
    }

    private final Map<String, Verb<S, P, R>> rows = new HashMap<>();
    private final Class<R> replyType;
    private final Refusals<S, P, R> refusals;

    public CommandTable(Collection<? extends Verb<S, P, R>> verbs, Class<R> replyType, Refusals<S, P, R> refusals) {
        for (Verb<S, P, R> v : verbs) {
            if (rows.put(v.name(), v) != null) throw new IllegalArgumentException("duplicate verb " + v.name());
        }
        this.replyType = replyType;
        this.refusals = refusals;
    }

    /** The table of a verb enum. */
    public static <S extends SessionState<P>, P extends Enum<P>, R, V extends Enum<V> & Verb<S, P, R>> CommandTable<S, P, R> of(
            Class<V> verbs, Class<R> replyType, Refusals<S, P, R> refusals) {
        return new CommandTable<>(Arrays.asList(verbs.getEnumConstants()), replyType, refusals);
    }

    public boolean knows(String verb) {
        return rows.containsKey(verb);
    }

    /** Applies every gate to one command line and runs its handler when all pass. */
    public R dispatch(S session, CommandLine line) throws IOException {
        Verb<S, P, R> verb = rows.get(line.verb());
        if (verb == null) {
            session.settle(true);
            return badInput(session, refusals.unknown(session, line.verb()));
        }
        Verb.Row<S, P, R> row = verb.row();
        session.settle(!row.gates().contains(Verb.Gate.DURING_TRANSFER));
        try {
            P phase = session.phase();
            if (!row.phases().contains(phase)) return refusals.wrongPhase(session, line, phase);
            if (row.gates().contains(Verb.Gate.TLS) && session.tlsMissing(verb)) return refusals.tlsRequired(session, verb);
            if (row.gates().contains(Verb.Gate.LOGIN) && session.loginMissing()) return refusals.loginRequired(session, verb);
            return row.handler().handle(session, line.argument());
        } catch (Refusal r) {
            if (replyType.isInstance(r.reply())) return replyType.cast(r.reply());
            log.error("{} {} refused with a reply of another protocol", session, verb.name(), r);
            return refusals.localError(session, verb.name());
        } catch (RuntimeException e) {
            log.error("{} {} failed", session, verb.name(), e);
            return refusals.localError(session, verb.name());
        }
    }

    /**
     * Answers a line that was not a command at all (too long, badly ended), spending the session's
     * budget: {@code reply} while some is left, the protocol's closing reply after.
     */
    public R badInput(S session, R reply) {
        return session.badCommands().spend() ? reply : refusals.tooManyBadCommands(session);
    }
}
