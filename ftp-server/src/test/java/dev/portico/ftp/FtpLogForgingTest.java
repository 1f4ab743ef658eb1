package dev.portico.ftp;

import ch.qos.logback.classic.Level;
import dev.portico.core.auth.LoginGuard;
import dev.portico.testing.LogCapture;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, item 4: login names, paths and command lines reach the log escaped. FTP reads a bare
 * CR as data (only LF or CR LF ends a line), so CR, NUL and ESC all reach the server's strings.
 */
@Timeout(30)
class FtpLogForgingTest {

    @RegisterExtension final FtpTestServer ftp = FtpTestServer.started();

    @Test
    void loginNamesPathsAndCommandsAreLoggedEscaped() throws IOException {
        ftp.write("alice", "f\u0001FORGED-RETR.txt", "data");
        try (LogCapture log = LogCapture.of(Level.DEBUG, LoginGuard.class, FtpSession.class,
                FtpDirectoryCommands.class, Transfer.class);
             RawClient raw = new RawClient(ftp.port())) {
            raw.expect("220");
            raw.send("USER x\r12:00 INFO FORGED-USER\0y").expect("331");
            raw.send("PASS pw").expect("530");
            RawFtp.alice(raw);
            raw.send("MKD d\u001b[31m\rFORGED-MKD").expect("257");
            int port = RawFtp.pasv(raw);
            try (Socket data = RawFtp.connect(port)) {
                raw.send("RETR f\u0001FORGED-RETR.txt").expect("150");
                assertThat(data.getInputStream().readAllBytes()).hasSize(4);
            }
            raw.expect("226");

            assertThat(log.assertEscaped("FORGED-USER"))
                    .anyMatch(m -> m.contains("failed login as x\\r12:00 INFO FORGED-USER\\x00y from"))
                    .anyMatch(m -> m.contains("USER x\\r12:00 INFO FORGED-USER\\x00y"));
            assertThat(log.assertEscaped("FORGED-MKD"))
                    .anyMatch(m -> m.contains("MKD /d\\x1b[31m\\rFORGED-MKD"))
                    .anyMatch(m -> m.contains("MKD d\\x1b[31m\\rFORGED-MKD"));
            assertThat(log.assertEscaped("FORGED-RETR")).anyMatch(m -> m.contains("RETR /f\\x01FORGED-RETR.txt: 4 bytes in"));
        }
    }
}
