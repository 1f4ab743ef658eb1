package dev.portico.telnet;

import dev.portico.core.ConfigException;
import dev.portico.core.Settings;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TelnetConfigTest {

    @Test
    void defaultsMatchTheOperatingContract() {
        TelnetConfig c = TelnetConfig.from(Settings.empty());
        assertThat(c.port()).isEqualTo(2323);
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
        assertThat(c.port()).isZero();
        assertThat(c.bind()).isEqualTo(InetAddress.getByName("127.0.0.2"));
        assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.limits().maxSessions()).isEqualTo(3);
        assertThat(c.loginAttempts()).isEqualTo(5);
        assertThat(c.maxSleep()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.negotiationWait()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.historySize()).isEqualTo(7);
    }

    @Test
    void offDisablesTheServerAndBadValuesNameTheirKey() {
        TelnetConfig off = TelnetConfig.from(Settings.of(Map.of("telnet.port", "off")));
        assertThat(off.enabled()).isFalse();
        assertThatThrownBy(() -> new TelnetServer(null, off).start()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TelnetConfig.from(Settings.of(Map.of("telnet.idle-timeout", "soon"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("telnet.idle-timeout");
    }
}
