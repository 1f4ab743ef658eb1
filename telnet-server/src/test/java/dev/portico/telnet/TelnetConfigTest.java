package dev.portico.telnet;

import dev.portico.core.ConfigException;
import dev.portico.core.Settings;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TelnetConfigTest {

    @Test
    void defaultsMatchTheOperatingContract() {
        TelnetConfig c = TelnetConfig.from(Settings.empty());
        assertThat(c.port()).isEqualTo(OptionalInt.of(TelnetConfig.DEFAULT_PORT)).isEqualTo(OptionalInt.of(2323));
        assertThat(c.enabled()).isTrue();
        assertThat(c.bind()).isNull();
        assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.loginAttempts()).isEqualTo(3);
    }

    @Test
    void keysAreRead() throws Exception {
        TelnetConfig c = TelnetConfig.from(Settings.of(Map.of("telnet.port", "0", "telnet.bind", "127.0.0.2",
                "telnet.idle-timeout", "90s", "telnet.login-attempts", "5", "telnet.max-sleep", "10s",
                "telnet.negotiation-wait", "50ms", "telnet.history", "7", "telnet.max-sessions", "3")));
        assertThat(c.port()).isEqualTo(OptionalInt.of(0));
        assertThat(c.bind()).isEqualTo(InetAddress.getByName("127.0.0.2"));
        assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.limits().maxSessions()).isEqualTo(3);
        assertThat(c.loginAttempts()).isEqualTo(5);
        assertThat(c.maxSleep()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.negotiationWait()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.historySize()).isEqualTo(7);
    }

    @Test
    void offDisablesTheServerAndBadValuesNameTheirKey(@TempDir Path dir) throws IOException {
        TelnetConfig off = TelnetConfig.from(Settings.of(Map.of("telnet.port", "off")));
        assertThat(off.enabled()).isFalse();
        assertThat(off.port()).isEmpty();
        TelnetServer.Shared shared = TelnetTestServer.shared(TestServices.create(dir));
        assertThatThrownBy(() -> new TelnetServer(off, shared).start()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TelnetConfig.from(Settings.of(Map.of("telnet.idle-timeout", "soon"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("telnet.idle-timeout");
        assertThatThrownBy(() -> TelnetConfig.from(Settings.of("telnet.login-attempts", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("telnet.login-attempts");
        assertThatThrownBy(() -> TelnetConfig.from(Settings.of("telnet.bind", "no.such.host.invalid")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("telnet.bind");
    }

    @Test
    void everyKeyIsKnownToTheSettings() {
        Settings s = Settings.of("telnet.port", "0", "telnet.bind", "127.0.0.1", "telnet.max-line", "200",
                "telnet.login-attempts", "2", "telnet.max-sleep", "1s", "telnet.negotiation-wait", "50ms",
                "telnet.history", "0", "telnet.shutdown-grace", "1s");
        TelnetConfig.from(s);
        s.requireAllKnown();
        Settings misspelled = Settings.of("telnet.histroy", "5");
        TelnetConfig.from(misspelled);
        assertThatThrownBy(misspelled::requireAllKnown)
                .isInstanceOf(ConfigException.class).hasMessageContaining("telnet.histroy").hasMessageContaining("telnet.history");
    }
}
