package dev.portico.app;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * packaging/portico.service as systemd reads it. {@code systemd-analyze verify} refuses a unit
 * whose ExecStart binary is missing, so it checks a copy whose ExecStart is the repository's
 * launcher; it reports an unknown key or a bad value only as a warning with exit status 0, so
 * any output at all fails the test.
 */
class ServiceUnitTest {

    private static final Path UNIT = Path.of("..", "packaging", "portico.service").toAbsolutePath().normalize();
    private static final String INSTALLED_LAUNCHER = "/opt/portico/portico";

    @TempDir Path dir;

    @Test
    void systemdAcceptsTheUnitWithoutAWarning() throws Exception {
        Path tool = Path.of("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(tool)) {
            System.err.println("ServiceUnitTest: SKIPPED, no " + tool + " (apt-get install systemd)");
            Assumptions.abort("no " + tool);
        }
        String unit = Files.readString(UNIT, StandardCharsets.UTF_8);
        assertThat(unit).contains("ExecStart=" + INSTALLED_LAUNCHER + " ");
        Path launcher = UNIT.getParent().getParent().resolve("portico");
        assertThat(launcher).isExecutable();
        Path copy = Files.writeString(dir.resolve("portico.service"),
                unit.replace("ExecStart=" + INSTALLED_LAUNCHER + " ", "ExecStart=" + launcher + " "));

        Process p = new ProcessBuilder(tool.toString(), "verify", "--man=no", copy.toString())
                .redirectErrorStream(true).directory(dir.toFile()).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("systemd-analyze finished").isTrue();
        assertThat(output).as("systemd-analyze verify's complaints").isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void theUnitHasWhatRunningAsAServiceNeeds() throws Exception {
        List<String> lines = Files.readAllLines(UNIT, StandardCharsets.UTF_8);
        assertThat(lines).contains(
                "User=portico",
                "AmbientCapabilities=CAP_NET_BIND_SERVICE",
                "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
                "NoNewPrivileges=yes",
                "ProtectSystem=strict",
                "ReadWritePaths=/var/lib/portico",
                "StateDirectory=portico",
                "PrivateTmp=yes",
                "Restart=on-failure",
                "KillSignal=SIGTERM");
        assertThat(lines).anyMatch(l -> l.startsWith("ExecStart=" + INSTALLED_LAUNCHER + " serve --config /etc/portico/portico.properties --data /var/lib/portico"));
        // The JIT writes executable memory: this protection would stop the JVM.
        assertThat(lines).noneMatch(l -> l.startsWith("MemoryDenyWriteExecute=yes"));
    }
}
