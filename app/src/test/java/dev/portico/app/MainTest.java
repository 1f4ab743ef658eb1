package dev.portico.app;

import dev.portico.core.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.io.StringWriter;
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
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--config", file.toString(), "--data", dir.toString(),
                "--set", "ftp.port=5", "--ftp-port", "0", "--set", "smtp.port=off",
                "--domain", "a.example", "--domain", "b.example");
        Settings s = serve.resolved();
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
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setErr(new PrintWriter(err, true)).execute("serve", "--config", file.toString(),
                "--data", dir.toString(), "--telnet-port", "0", "--ftp-port", "0", "--smtp-port", "0", "--pop3-port", "0");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("portico: ftp.pasive.ports: unknown configuration key; did you mean ftp.passive.ports?");
        assertThat(dir.resolve("tls")).doesNotExist();     // refused before anything was opened or bound
    }

    @Test
    void anUnknownSetKeyIsRefusedToo() {
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setErr(new PrintWriter(err, true)).execute("serve", "--data", dir.toString(),
                "--set", "smtp.max-recipient=5");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("smtp.max-recipient: unknown configuration key; did you mean smtp.max-recipients?");
    }
}
