package dev.portico.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import java.util.OptionalInt;

class SettingsTest {

    @Test
    void typedValuesAndErrorsThatNameTheKey() {
        Settings s = Settings.of(Map.of("a.port", "off", "b.port", "0", "t", "250ms", "size", "25M",
                "list", "x, y,,z", "flag", "yes", "bad", "12q"));
        assertThat(s.port("a.port", OptionalInt.of(21))).isEmpty();
        assertThat(s.port("b.port", OptionalInt.of(21))).hasValue(0);
        assertThat(s.port("c.port", OptionalInt.of(21))).hasValue(21);
        assertThat(s.duration("t", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(s.size("size", 0)).isEqualTo(25L << 20);
        assertThat(s.list("list", List.of())).containsExactly("x", "y", "z");
        assertThat(s.bool("flag", false)).isTrue();
        assertThatThrownBy(() -> s.integer("bad", 1)).hasMessageStartingWith("bad: ");
        assertThatThrownBy(() -> s.duration("bad", Duration.ZERO)).hasMessageStartingWith("bad: ");
        assertThatThrownBy(() -> s.with("p", "70000").port("p", OptionalInt.of(1))).hasMessageStartingWith("p: ");
    }

    @Test
    void repliesFormatPerRfc() {
        assertThat(Reply.of(250, List.of("a", "b", "c")).format()).isEqualTo("250-a\r\n250-b\r\n250 c\r\n");
        assertThat(Reply.verbatim(211, List.of("Features:", " MDTM", "123 odd", "End")).format())
                .isEqualTo("211-Features:\r\n MDTM\r\n 123 odd\r\n211 End\r\n");
    }

    @Test
    void aKeyNoReaderAskedForIsRefusedWithTheNearestKnownOne() {
        Settings s = Settings.of("ftp.port", "0", "ftp.pasive.ports", "50000-50100");
        s.port("ftp.port", OptionalInt.empty());
        s.string("ftp.passive.ports", null);
        assertThatThrownBy(s::requireAllKnown).isInstanceOf(ConfigException.class)
                .hasMessage("ftp.pasive.ports: unknown configuration key; did you mean ftp.passive.ports?");
    }

    @Test
    void keysAskedForThroughACopyCountAsKnown() {
        Settings s = Settings.of("smtp.vrfy", "true");
        Settings copy = s.with("bind", "127.0.0.1");
        copy.bool("smtp.vrfy", false);
        copy.string("bind", null);
        s.requireAllKnown();
        assertThatThrownBy(Settings.of("whatever", "1")::requireAllKnown)
                .hasMessage("whatever: unknown configuration key");
    }
}
