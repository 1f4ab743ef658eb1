package dev.portico.ftp;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, defect 2, for FTP: a control line dribbled past {@code ftp.command-timeout} closes the
 * session with 421; an upload slower than {@code ftp.min-data-rate} is aborted with 426 and
 * leaves no file, while the control connection goes on.
 */
@Timeout(30)
class FtpSlowClientTest {

    @RegisterExtension
    final FtpTestServer ftp = new FtpTestServer();

    @Test
    void aControlLineDribbledPastTheCommandTimeoutGets421() throws Exception {
        ftp.start("ftp.idle-timeout", "5s", "ftp.command-timeout", "1s");
        try (RawClient c = RawFtp.alice(ftp.port())) {
            c.timeout(4000);
            long start = System.nanoTime();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    for (char ch : "CWD a-directory-name-sent-slowly".toCharArray()) {   // 3.2 s if not cut
                        c.sendRaw(String.valueOf(ch));
                        Thread.sleep(100);      // the client's pace, not a wait for the server
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server: expected
                }
            });
            c.expect("421");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
            c.expectClosed();
            t.join(5000);
        }
    }

    @Test
    void anUploadSlowerThanTheMinimumRateIsAbortedAndLeavesNoFile() throws Exception {
        ftp.start("ftp.min-data-rate", "1000", "ftp.min-data-rate-window", "1s");
        try (RawClient c = RawFtp.alice(ftp.port())) {
            c.send("TYPE I").expect("200");
            int port = RawFtp.pasv(c);
            c.send("STOR slow.bin");
            try (Socket data = RawFtp.connect(port)) {
                c.expect("150");
                long start = System.nanoTime();
                OutputStream out = data.getOutputStream();
                String reply = null;
                c.timeout(100);
                // 10 bytes a second, a hundredth of the minimum, for at most 6 s
                for (int i = 0; i < 60 && reply == null; i++) {
                    try {
                        out.write('x');
                        out.flush();
                    } catch (IOException closed) {
                        // the server closed the data connection; its reply follows on the control one
                    }
                    try {
                        reply = c.readLine();      // also the client's pace: a 100 ms read timeout
                    } catch (java.net.SocketTimeoutException notYet) {
                        // nothing yet
                    }
                }
                assertThat(reply).startsWith("426");
                assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4000);
            }
            c.timeout(5000);
            c.send("NOOP").expect("200");
        }
        try (var files = Files.list(ftp.home("alice"))) {
            assertThat(files.toList()).isEmpty();   // neither slow.bin nor a temporary
        }
    }
}
