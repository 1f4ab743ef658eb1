package dev.portico.http;

import dev.portico.core.ConfigException;
import dev.portico.core.Settings;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpConfigTest {

    @Test
    void offByDefaultOnTheSharedBindWithoutAToken() {
        HttpConfig c = HttpConfig.defaults();
        assertThat(c.enabled()).isFalse();
        assertThat(c.bind()).isNull();
        assertThat(c.token()).isNull();
        assertThat(c.maxBody()).isEqualTo(100L << 20);
        assertThat(c.maxWait()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.maxRequests()).isEqualTo(100);
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void readsEveryKey() throws Exception {
        Settings s = Settings.of("http.port", "8025", "http.bind", "0.0.0.0", "http.token", "t0ken", "http.max-body", "5M",
                "http.max-wait", "2m", "http.max-requests", "7", "shutdown-grace", "3s", "http.request-timeout", "0");
        HttpConfig c = HttpConfig.from(s);
        s.requireAllKnown();
        assertThat(c.port()).hasValue(8025);
        assertThat(c.bind()).isEqualTo(InetAddress.getByName("0.0.0.0"));
        assertThat(c.token()).isEqualTo("t0ken");
        assertThat(c.maxBody()).isEqualTo(5L << 20);
        assertThat(c.maxWait()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.maxRequests()).isEqualTo(7);
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.requestTimeout()).isZero();
        assertThat(HttpConfig.from(Settings.of("http.shutdown-grace", "1s", "shutdown-grace", "3s")).shutdownGrace())
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void everyKeyIsKnownEvenWhenTheListenerIsOff() {
        Settings s = Settings.of("http.port", "off", "http.token", "x", "http.max-wait", "5s");
        HttpConfig.from(s);
        s.requireAllKnown();
    }

    @Test
    void theTokenNeverShowsInTheConfigurationText() {
        assertThat(HttpConfig.from(Settings.of("http.token", "s3cret")).toString()).doesNotContain("s3cret").contains("(set)");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> HttpConfig.from(Settings.of("http.port", "80000"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.port");
        assertThatThrownBy(() -> HttpConfig.from(Settings.of("http.max-requests", "0"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.max-requests");
        assertThatThrownBy(() -> HttpConfig.from(Settings.of("http.max-body", "lots"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.max-body");
    }

    @Test
    void durationsOfRequestsParseLikeTheConfiguration() {
        assertThat(Settings.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Settings.parseDuration("5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Settings.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> Settings.parseDuration("5x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Settings.parseDuration("99999999999999999999s")).isInstanceOf(IllegalArgumentException.class);
    }
}
