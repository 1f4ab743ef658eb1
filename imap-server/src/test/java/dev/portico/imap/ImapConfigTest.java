package dev.portico.imap;

import dev.portico.core.ConfigException;
import dev.portico.core.Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImapConfigTest {

    @Test
    void defaults() {
        ImapConfig c = ImapConfig.defaults();
        assertThat(c.port()).hasValue(2143);
        assertThat(c.implicitPort()).isEmpty();
        assertThat(c.plainLogin()).isEqualTo(ImapConfig.PlainLogin.LOOPBACK);
        assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.limits().maxLineLength()).isEqualTo(65536);
        assertThat(c.appendLimit()).isEqualTo(50L << 20);
    }

    @Test
    void everyKeyIsReadSoNoneIsUnknown() {
        Settings s = Settings.of("imap.port", "off", "imap.implicit-port", "9993", "imap.bind", "127.0.0.1",
                "imap.tls.required", "true", "imap.append-limit", "1M", "imap.message-cache", "8M",
                "imap.max-unknown-commands", "5", "imap.max-login-failures", "2", "imap.max-line", "8192",
                "imap.idle-timeout", "31m");
        ImapConfig c = ImapConfig.from(s);
        s.requireAllKnown();
        assertThat(c.port()).isEmpty();
        assertThat(c.implicitPort()).hasValue(9993);
        assertThat(c.plainLogin()).isEqualTo(ImapConfig.PlainLogin.TRUE);
        assertThat(c.appendLimit()).isEqualTo(1L << 20);
        assertThat(c.messageCache()).isEqualTo(8L << 20);
        assertThat(List.of(c.maxUnknownCommands(), c.maxLoginFailures(), c.limits().maxLineLength())).containsExactly(5, 2, 8192);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> ImapConfig.from(Settings.of("imap.tls.required", "maybe")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("imap.tls.required");
        assertThatThrownBy(() -> ImapConfig.from(Settings.of("imap.max-login-failures", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("imap.max-login-failures");
    }

    @Test
    void sequenceSetsWithStarAndRanges() {
        SequenceSet s = SequenceSet.parse("2:4,7,9:*");
        assertThat(s.contains(3, 10)).isTrue();
        assertThat(s.contains(5, 10)).isFalse();
        assertThat(s.contains(10, 10)).isTrue();
        assertThat(SequenceSet.parse("*:5").contains(3, 3)).isTrue();     // RFC 9051 9: * is the largest, 5:3 is 3:5
        assertThat(s.within(8)).isFalse();
        assertThat(SequenceSet.parse("$").saved()).isTrue();
        assertThat(SequenceSet.format(List.of(1L, 2L, 3L, 7L, 9L, 10L))).isEqualTo("1:3,7,9:10");
        assertThatThrownBy(() -> SequenceSet.parse("0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequenceSet.parse("1,,2")).isInstanceOf(IllegalArgumentException.class);
    }
}
