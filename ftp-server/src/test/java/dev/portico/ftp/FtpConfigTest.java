package dev.portico.ftp;

import dev.portico.core.Cidr;
import dev.portico.core.ConfigException;
import dev.portico.core.Settings;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FtpConfigTest {

    @Test
    void defaults() {
        FtpConfig c = FtpConfig.from(Settings.empty());
        assertThat(c.port()).isEqualTo(OptionalInt.of(FtpConfig.DEFAULT_PORT));
        assertThat(FtpConfig.DEFAULT_PORT).isEqualTo(2121);
        assertThat(c.implicitPort()).isEmpty();
        assertThat(c.bind()).isNull();
        assertThat(c.passiveMin()).isEqualTo(21000);
        assertThat(c.passiveMax()).isEqualTo(21999);
        assertThat(FtpConfig.from(Settings.of(Map.of("ftp.passive.ports", "0"))).passiveMin()).isZero();
        assertThat(c.passiveAddress()).isNull();
        assertThat(c.anonymous()).isFalse();
        assertThat(c.anonymousRoot()).isEqualTo(Path.of("data", "anonymous"));
        assertThat(FtpConfig.from(Settings.of("data", "/srv/portico")).anonymousRoot()).isEqualTo(Path.of("/srv/portico/anonymous"));
        assertThat(c.checkDataAddress()).isTrue();
        assertThat(c.tlsResumption()).isEqualTo(FtpConfig.TlsResumption.ENABLED);
        assertThat(c.tlsRequired()).isFalse();
        assertThat(c.dataTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.limits().maxLineLength()).isEqualTo(4096);
    }

    @Test
    void everyKey() throws Exception {
        FtpConfig c = FtpConfig.from(Settings.of(Map.ofEntries(
                Map.entry("ftp.port", "off"), Map.entry("ftp.implicit-port", "990"), Map.entry("ftp.bind", "0.0.0.0"),
                Map.entry("ftp.passive.ports", "50000-50100"), Map.entry("ftp.passive.address", "203.0.113.5"),
                Map.entry("ftp.passive.local-networks", "10.0.0.0/8, 127.0.0.1"), Map.entry("ftp.data-timeout", "10s"),
                Map.entry("ftp.data.check-address", "false"), Map.entry("ftp.anonymous", "true"),
                Map.entry("ftp.anonymous.root", "/srv/pub"), Map.entry("ftp.tls.resumption", "enforced"),
                Map.entry("ftp.tls.required", "yes"), Map.entry("ftp.max-line", "2048"), Map.entry("ftp.idle-timeout", "1m"))));
        assertThat(c.port()).isEmpty();
        assertThat(c.implicitPort()).isEqualTo(OptionalInt.of(990));
        assertThat(c.bind()).isEqualTo(InetAddress.getByName("0.0.0.0"));
        assertThat(c.passiveMin()).isEqualTo(50000);
        assertThat(c.passiveMax()).isEqualTo(50100);
        assertThat(c.passiveAddress()).isEqualTo(InetAddress.getByName("203.0.113.5"));
        assertThat(c.localNetworks()).containsExactly("10.0.0.0/8", "127.0.0.1");
        assertThat(c.dataTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.checkDataAddress()).isFalse();
        assertThat(c.anonymous()).isTrue();
        assertThat(c.anonymousRoot()).isEqualTo(Path.of("/srv/pub"));
        assertThat(c.tlsResumption()).isEqualTo(FtpConfig.TlsResumption.ENFORCED);
        assertThat(c.tlsRequired()).isTrue();
        assertThat(c.limits().maxLineLength()).isEqualTo(2048);
        assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> FtpConfig.from(Settings.of(Map.of("ftp.passive.ports", "80-90"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("ftp.passive.ports");
        assertThatThrownBy(() -> FtpConfig.from(Settings.of(Map.of("ftp.tls.resumption", "sometimes"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("ftp.tls.resumption");
        assertThatThrownBy(() -> FtpConfig.from(Settings.of(Map.of("ftp.passive.local-networks", "lan"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("ftp.passive.local-networks");
        assertThatThrownBy(() -> FtpConfig.from(Settings.of(Map.of("ftp.port", "http"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("ftp.port");
        assertThatThrownBy(() -> FtpConfig.from(Settings.of("ftp.passive.address", "::1")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("ftp.passive.address");
    }

    @Test
    void everyKeyIsReadWhateverTheOthersSay() {
        Settings s = Settings.of("ftp.port", "off", "ftp.anonymous", "false", "ftp.anonymous.root", "/srv/pub",
                "ftp.tls.required", "false", "ftp.tls.resumption", "disabled", "ftp.passive.address", "203.0.113.5",
                "data", "/srv/portico");
        FtpConfig.from(s);
        s.requireAllKnown();
    }

    @Test
    void cidrMatching() throws Exception {
        Cidr lan = Cidr.parse("192.168.0.0/16");
        assertThat(lan.contains(InetAddress.getByName("192.168.4.5"))).isTrue();
        assertThat(lan.contains(InetAddress.getByName("192.169.0.1"))).isFalse();
        assertThat(lan.contains(InetAddress.getByName("::1"))).isFalse();
        assertThat(Cidr.parse("172.16.0.0/12").contains(InetAddress.getByName("172.31.255.255"))).isTrue();
        assertThat(Cidr.parse("172.16.0.0/12").contains(InetAddress.getByName("172.32.0.0"))).isFalse();
        assertThat(Cidr.parse("fc00::/7").contains(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(Cidr.parse("::1").contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(FtpConfig.DEFAULT_LOCAL_NETWORKS).allSatisfy(Cidr::parse);
        assertThat(List.of("0.0.0.0/0")).allSatisfy(n -> assertThat(Cidr.parse(n).contains(InetAddress.getByName("8.8.8.8"))).isTrue());
    }
}
