package dev.portico.ftp;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
            Thread t = c.dribble("CWD a-directory-name-sent-slowly", 100);   // 3.2 s if not cut
            c.expect("421");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
            c.expectClosed();
            t.join(5000);
        }
    }

    @Test
    void anUploadSlowerThanTheMinimumRateIsAbortedAndLeavesNoFile() throws Exception {
        ftp.start("ftp.min-data-rate", "1000", "ftp.min-data-rate-window", "1s");
        // 10 bytes a second, a hundredth of the minimum
        assertThat(uploadUntil426(true, false)).isLessThan(4000);
    }

    /**
     * The rate is judged on the transfer's thread: a client that keeps the control connection
     * busy (a NOOP every tenth of a second, each answered at once) while it dribbles the upload is
     * cut off as soon as one that says nothing.
     */
    @Test
    void anUploadSlowerThanTheMinimumRateIsAbortedWhileTheClientSendsCommands() throws Exception {
        ftp.start("ftp.min-data-rate", "1000", "ftp.min-data-rate-window", "1s");
        assertThat(uploadUntil426(true, true)).isLessThan(4000);
    }

    /** Likewise an upload that sends nothing at all for the data timeout while its client talks. */
    @Test
    void aStalledUploadIsAbortedAfterTheDataTimeoutWhileTheClientSendsCommands() throws Exception {
        ftp.start("ftp.data-timeout", "1s", "ftp.min-data-rate", "0");
        assertThat(uploadUntil426(false, true)).isLessThan(4000);
    }

    /**
     * Starts a binary STOR, then every tenth of a second sends one byte of it ({@code dribble})
     * and a NOOP ({@code noops}) until the 426 arrives or 6 s pass; returns the milliseconds it
     * took. Then checks that the session goes on and that no file, not even a temporary, is left.
     */
    private long uploadUntil426(boolean dribble, boolean noops) throws Exception {
        long took;
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
                for (int i = 0; i < 60 && reply == null; i++) {
                    if (dribble) {
                        try {
                            out.write('x');
                            out.flush();
                        } catch (IOException closed) {
                            // the server closed the data connection; its reply follows on the control one
                        }
                    }
                    if (noops) c.send("NOOP");
                    try {
                        // also the client's pace: a 100 ms read timeout
                        for (String line = c.readLine(); line != null && reply == null; line = c.readLine()) {
                            if (line.startsWith("426")) reply = line;
                            else assertThat(line).as("a reply to NOOP").startsWith("200");
                        }
                    } catch (SocketTimeoutException notYet) {
                        // nothing more yet
                    }
                }
                assertThat(reply).as("the abort").startsWith("426");
                took = (System.nanoTime() - start) / 1_000_000;
            }
            c.timeout(5000);
            // the session goes on; replies to NOOPs sent just before the 426 come first
            String r = c.send("PWD").readReply();
            for (int i = 0; i < 100 && r.startsWith("200"); i++) r = c.readReply();
            assertThat(r).startsWith("257");
        }
        try (var files = Files.list(ftp.home("alice"))) {
            assertThat(files.toList()).isEmpty();   // neither slow.bin nor a temporary
        }
        return took;
    }
}
