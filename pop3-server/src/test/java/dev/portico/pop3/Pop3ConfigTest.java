package dev.portico.pop3;

import dev.portico.core.ConfigException;
import dev.portico.core.Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Pop3ConfigTest {

    @Test
    void defaults() {
        Pop3Config c = Pop3Config.from(Settings.empty());
        assertThat(c.port()).isEqualTo(OptionalInt.of(2110));
        assertThat(c.implicitPort()).isEmpty();
        assertThat(c.bind()).isNull();
        assertThat(c.limits().maxLineLength()).isEqualTo(255);
        assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.tlsRequired()).isFalse();
        assertThat(c.maxUnknownCommands()).isEqualTo(10);
        assertThat(c.maxLoginFailures()).isEqualTo(3);
        assertThat(c).isEqualTo(Pop3Config.defaults());
    }

    @Test
    void readsEveryKey() {
        Settings s = Settings.of(Map.of(
                "pop3.port", "off", "pop3.implicit-port", "2995", "pop3.bind", "127.0.0.1",
                "pop3.tls.required", "true", "pop3.max-line", "512", "pop3.idle-timeout", "15m",
                "pop3.max-unknown-commands", "4", "pop3.max-login-failures", "5", "pop3.apop", "false"));
        Pop3Config c = Pop3Config.from(s);
        s.requireAllKnown();   // every key above was read
        assertThat(c.port()).isEmpty();
        assertThat(c.implicitPort()).isEqualTo(OptionalInt.of(2995));
        assertThat(c.bind().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(c.tlsRequired()).isTrue();
        assertThat(c.limits().maxLineLength()).isEqualTo(512);
        assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.maxUnknownCommands()).isEqualTo(4);
        assertThat(c.maxLoginFailures()).isEqualTo(5);
        assertThat(c.enabled()).isTrue();
    }

    @Test
    void apopCannotBeSwitchedOnBecausePasswordsAreHashed() {
        assertThatThrownBy(() -> Pop3Config.from(Settings.of(Map.of("pop3.apop", "true"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pop3.apop").hasMessageContaining("hash");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> Pop3Config.from(Settings.of(Map.of("pop3.port", "pop"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pop3.port");
        assertThatThrownBy(() -> Pop3Config.from(Settings.of(Map.of("pop3.max-unknown-commands", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pop3.max-unknown-commands");
    }

    @Test
    void bothPortsOffMeansDisabled() {
        assertThat(Pop3Config.from(Settings.of(Map.of("pop3.port", "off"))).enabled()).isFalse();
    }
}
