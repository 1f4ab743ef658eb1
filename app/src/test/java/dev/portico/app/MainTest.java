package dev.portico.app;

import dev.portico.core.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        assertThat(s.port("ftp.port", 2121)).hasValue(0);
        assertThat(s.port("smtp.port", 2525)).isEmpty();
        assertThat(s.port("pop3.port", 2110)).hasValue(110);
        assertThat(s.list("domain", List.of())).containsExactly("a.example", "b.example");
        assertThat(s.integer("smtp.max-recipients", 100)).isEqualTo(7);
        assertThat(s.string("data", null)).isEqualTo(dir.toString());
    }
}
