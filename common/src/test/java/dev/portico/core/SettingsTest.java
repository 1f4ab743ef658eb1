package dev.portico.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    @Test
    void typedValuesAndErrorsThatNameTheKey() {
        Settings s = Settings.of(Map.of("a.port", "off", "b.port", "0", "t", "250ms", "size", "25M",
                "list", "x, y,,z", "flag", "yes", "bad", "12q"));
        assertThat(s.port("a.port", 21)).isEmpty();
        assertThat(s.port("b.port", 21)).hasValue(0);
        assertThat(s.port("c.port", 21)).hasValue(21);
        assertThat(s.duration("t", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(s.size("size", 0)).isEqualTo(25L << 20);
        assertThat(s.list("list", List.of())).containsExactly("x", "y", "z");
        assertThat(s.bool("flag", false)).isTrue();
        assertThatThrownBy(() -> s.integer("bad", 1)).hasMessageStartingWith("bad: ");
        assertThatThrownBy(() -> s.duration("bad", Duration.ZERO)).hasMessageStartingWith("bad: ");
        assertThatThrownBy(() -> s.with("p", "70000").port("p", 1)).hasMessageStartingWith("p: ");
    }

    @Test
    void repliesFormatPerRfc() {
        assertThat(Reply.of(250, List.of("a", "b", "c")).format()).isEqualTo("250-a\r\n250-b\r\n250 c\r\n");
        assertThat(Reply.verbatim(211, List.of("Features:", " MDTM", "123 odd", "End")).format())
                .isEqualTo("211-Features:\r\n MDTM\r\n 123 odd\r\n211 End\r\n");
    }

    @Test
    void commandTableAnswersUnknownAndWrongPhaseInOnePlace() throws Exception {
        enum Phase { OUT, IN }
        CommandTable<StringBuilder, Phase, String> table = new CommandTable<>(List.of(
                new CommandTable.Row<StringBuilder, Phase, String>("NOOP", java.util.EnumSet.allOf(Phase.class), (s, a) -> "ok " + a),
                new CommandTable.Row<StringBuilder, Phase, String>("LIST", java.util.EnumSet.of(Phase.IN), (s, a) -> "list")),
                new CommandTable.Refusals<>() {
                    public String unknown(String verb) { return "unknown " + verb; }
                    public String wrongPhase(String verb, Phase phase) { return "not now " + verb; }
                });
        StringBuilder session = new StringBuilder();
        assertThat(table.dispatch(session, Phase.OUT, CommandLine.parse("noop x y"))).isEqualTo("ok x y");
        assertThat(table.dispatch(session, Phase.OUT, CommandLine.parse("LIST"))).isEqualTo("not now LIST");
        assertThat(table.dispatch(session, Phase.IN, CommandLine.parse("LIST"))).isEqualTo("list");
        assertThat(table.dispatch(session, Phase.IN, CommandLine.parse("XYZZY"))).isEqualTo("unknown XYZZY");
    }
}
