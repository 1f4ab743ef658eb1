package dev.portico.junit;

import dev.portico.core.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The toolkit without JUnit's lifecycle, and the checks made when a configuration is built. */
@Timeout(60)
class StandaloneTest {

    @Test
    void startsAndStopsWithTryWithResources() throws Exception {
        int port;
        Path data;
        try (TestPortico p = PorticoExtension.builder().smtp().withUser("alice", "pw").start()) {
            assertThat(p.listeners()).containsOnlyKeys("smtp");
            port = p.port("smtp");
            data = p.dataDir();
            Mails.send(Mails.session(port, 1), "alice@localhost", "standalone", "x");
            assertThat(p.received()).singleElement().extracting(ReceivedMail::sender).isEqualTo("sender@example.org");
            assertThat(p.transcript()).contains("C: MAIL FROM:<sender@example.org>", "S: 250 2.0.0 Ok: message accepted");
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        // The folder goes on the deleter's thread, after close has returned.
        for (int i = 0; i < 1000 && Files.exists(data); i++) Thread.sleep(10);
        assertThat(data).doesNotExist();
    }

    @Test
    void anUnknownKeyIsRefusedWhenTheExtensionIsBuilt() {
        assertThatThrownBy(() -> PorticoExtension.builder().with("smtp.max-mesage-size", "1M").build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("smtp.max-message-size");
        assertThatThrownBy(() -> PorticoExtension.builder().with("smtp.max-message-size", "huge").build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("smtp.max-message-size");
        assertThatThrownBy(() -> PorticoExtension.builder().with("data", "/tmp").build())
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> PorticoExtension.builder().withUser("Not A Name", "pw").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PorticoExtension.builder().withFile("alice", "../escape.txt", "x").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKnownKeyReachesTheServers() throws Exception {
        try (TestPortico p = PorticoExtension.builder().pop3().with("pop3.implicit-port", "0").start()) {
            assertThat(p.listeners()).containsOnlyKeys("pop3", "pop3s");
        }
    }

    @Test
    void theExtensionOutsideATestSaysSo() {
        PorticoExtension unused = PorticoExtension.builder().smtp().build();
        assertThatThrownBy(() -> unused.port("smtp")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Portico runs");
    }

    @Test
    void aTestFileOutsideTheHomeIsRefused() throws IOException {
        try (TestPortico p = PorticoExtension.builder().ftp().withUser("alice", "pw").start()) {
            assertThatThrownBy(() -> p.files("alice").write("../bob/x", "x")).isInstanceOf(IllegalArgumentException.class);
            assertThat(Files.exists(p.dataDir().resolve("files/bob/x"))).isFalse();
        }
    }
}
