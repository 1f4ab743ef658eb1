package dev.portico.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every gate of the table, on a toy protocol whose session state each case sets. */
class CommandTableTest {

    enum Phase { OUT, IN }

    /** A session whose gate answers the test sets; it records what the table asked of it. */
    static final class Toy implements CommandTable.SessionState<Phase> {
        Phase phase = Phase.OUT;
        boolean tlsMissing, loginMissing;
        CommandBudget budget = new CommandBudget(2);
        final List<String> settled = new ArrayList<>();

        @Override public Phase phase() { return phase; }
        @Override public boolean tlsMissing(Verb<?, Phase, ?> verb) { return tlsMissing; }
        @Override public boolean loginMissing() { return loginMissing; }
        @Override public CommandBudget badCommands() { return budget; }
        @Override public void settle(boolean waitForTransfer) { settled.add(waitForTransfer ? "wait" : "run"); }
        @Override public String toString() { return "toy-1"; }
    }

    enum ToyVerb implements Verb<Toy, Phase, String> {
        NOOP(EnumSet.allOf(Phase.class), Set.of(Gate.DURING_TRANSFER), (s, a) -> "ok " + a),
        LIST(EnumSet.of(Phase.IN), Set.of(), (s, a) -> "list"),
        SECRET(EnumSet.allOf(Phase.class), Set.of(Gate.TLS), (s, a) -> "secret"),
        SEND(EnumSet.allOf(Phase.class), Set.of(Gate.LOGIN), (s, a) -> "sent"),
        PICKY(EnumSet.allOf(Phase.class), Set.of(), (s, a) -> {
            if (a.isEmpty()) throw new Refusal("picky needs an argument");
            return "fine";
        }),
        BROKEN(EnumSet.allOf(Phase.class), Set.of(), (s, a) -> {
            throw new IllegalStateException("a bug");
        });

        private final Row<Toy, Phase, String> row;

        ToyVerb(Set<Phase> phases, Set<Gate> gates, CommandTable.Handler<Toy, String> handler) {
            this.row = new Row<>(phases, handler, gates);
        }

        @Override public Row<Toy, Phase, String> row() { return row; }
    }

    static final CommandTable<Toy, Phase, String> TABLE = CommandTable.of(ToyVerb.class, String.class,
            new CommandTable.Refusals<>() {
                @Override public String unknown(Toy s, String verb) { return "unknown " + verb; }
                @Override public String wrongPhase(Toy s, CommandLine line, Phase phase) { return "not now " + line.verb(); }
                @Override public String tlsRequired(Toy s, Verb<Toy, Phase, String> verb) { return "tls first " + verb.name(); }
                @Override public String loginRequired(Toy s, Verb<Toy, Phase, String> verb) { return "login first " + verb.name(); }
                @Override public String tooManyBadCommands(Toy s) { return "bye"; }
                @Override public String localError(Toy s, String verb) { return "local error"; }
            });

    @ParameterizedTest(name = "{0} in {1}, tls missing {2}, login missing {3} -> {4}")
    @CsvSource({
            "noop x y, OUT, false, false, ok x y",
            "LIST,     OUT, false, false, not now LIST",
            "LIST,     IN,  false, false, list",
            "XYZZY,    IN,  false, false, unknown XYZZY",
            "SECRET,   IN,  true,  false, tls first SECRET",
            "SECRET,   IN,  false, false, secret",
            "SEND,     IN,  false, true,  login first SEND",
            "SEND,     IN,  true,  false, sent",
            "PICKY,    IN,  false, false, picky needs an argument",
            "PICKY a,  IN,  false, false, fine",
            "BROKEN,   IN,  false, false, local error",
    })
    void everyGateIsAppliedByTheTable(String line, Phase phase, boolean tlsMissing, boolean loginMissing, String reply)
            throws IOException {
        Toy s = new Toy();
        s.phase = phase;
        s.tlsMissing = tlsMissing;
        s.loginMissing = loginMissing;
        assertThat(TABLE.dispatch(s, CommandLine.parse(line))).isEqualTo(reply);
    }

    @Test
    void onlyVerbsMarkedForItRunDuringATransfer() throws IOException {
        Toy s = new Toy();
        TABLE.dispatch(s, CommandLine.parse("NOOP"));
        TABLE.dispatch(s, CommandLine.parse("LIST"));
        TABLE.dispatch(s, CommandLine.parse("XYZZY"));
        assertThat(s.settled).containsExactly("run", "wait", "wait");
    }

    @Test
    void unknownVerbsAndBadLinesSpendOneBudget() throws IOException {
        Toy s = new Toy();
        assertThat(TABLE.dispatch(s, CommandLine.parse("XYZZY"))).isEqualTo("unknown XYZZY");
        assertThat(TABLE.badInput(s, "line too long")).isEqualTo("line too long");
        assertThat(TABLE.dispatch(s, CommandLine.parse("NOOP"))).isEqualTo("ok ");    // known verbs cost nothing
        assertThat(TABLE.dispatch(s, CommandLine.parse("PLUGH"))).isEqualTo("bye");
    }

    @Test
    void aRefusalOfTheWrongReplyTypeIsABugAnsweredAsLocalError() throws IOException {
        CommandTable<Toy, Phase, Integer> numbers = new CommandTable<>(List.of(new Verb<Toy, Phase, Integer>() {
            @Override public String name() { return "ODD"; }
            @Override public Row<Toy, Phase, Integer> row() {
                return Row.of(EnumSet.allOf(Phase.class), (s, a) -> { throw new Refusal("text"); });
            }
        }), Integer.class, new CommandTable.Refusals<>() {
            @Override public Integer unknown(Toy s, String verb) { return 500; }
            @Override public Integer wrongPhase(Toy s, CommandLine line, Phase phase) { return 503; }
            @Override public Integer localError(Toy s, String verb) { return 451; }
        });
        assertThat(numbers.dispatch(new Toy(), CommandLine.parse("ODD"))).isEqualTo(451);
    }
}
