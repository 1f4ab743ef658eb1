package dev.portico.app;

import dev.portico.core.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a user types it: the config file, {@code --set} and the named flags. */
class MainTest {

    @TempDir Path dir;

    @Test
    void namedFlagsWinOverSetWhichWinsOverTheConfigFile() throws Exception {
        Path file = Files.writeString(dir.resolve("portico.properties"),
                "ftp.port=21\nsmtp.port=25\npop3.port=110\ndomain=file.example\nsmtp.max-recipients=7\n");
        Settings s = Main.serveSettings("--config", file.toString(), "--data", dir.toString(),
                "--set", "ftp.port=5", "--ftp-port", "0", "--set", "smtp.port=off",
                "--domain", "a.example", "--domain", "b.example");
        assertThat(s.port("ftp.port", OptionalInt.of(2121))).hasValue(0);
        assertThat(s.port("smtp.port", OptionalInt.of(2525))).isEmpty();
        assertThat(s.port("pop3.port", OptionalInt.of(2110))).hasValue(110);
        assertThat(s.list("domain", List.of())).containsExactly("a.example", "b.example");
        assertThat(s.integer("smtp.max-recipients", 100)).isEqualTo(7);
        assertThat(s.string("data", null)).isEqualTo(dir.toString());
    }

    @Test
    void aMisspelledKeyStopsTheStartNamingItAndTheNearestKnownKey() throws Exception {
        Path file = Files.writeString(dir.resolve("portico.properties"), "ftp.pasive.ports=50000-50100\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"serve", "--config", file.toString(), "--data", dir.toString(),
                "--telnet-port", "0", "--ftp-port", "0", "--smtp-port", "0", "--pop3-port", "0", "--imap-port", "0"}, System.out, new PrintStream(err, true));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("portico: ftp.pasive.ports: unknown configuration key; did you mean ftp.passive.ports?");
        assertThat(dir.resolve("tls")).doesNotExist();     // refused before anything was opened or bound
    }

    @Test
    void anUnknownSetKeyIsRefusedToo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"serve", "--data", dir.toString(), "--set", "smtp.max-recipient=5"},
                System.out, new PrintStream(err, true));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("smtp.max-recipient: unknown configuration key; did you mean smtp.max-recipients?");
    }
}
