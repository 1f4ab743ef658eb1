package dev.portico.junit;

import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** FTP homes: preloaded files, uploads checked on disk, changes while a client is connected. */
@Timeout(60)
class FtpTest {

    @RegisterExtension
    static PorticoExtension portico = PorticoExtension.builder().ftp()
            .withUser("alice", "alice-pw")
            .withFile("alice", "in/orders.csv", "id,qty\n1,3\n")
            .build();

    private static FTPClient login(String user, String password) throws IOException {
        FTPClient ftp = new FTPClient();
        ftp.setDefaultTimeout(10_000);
        ftp.connect("127.0.0.1", portico.port("ftp"));
        ftp.setSoTimeout(10_000);
        if (!ftp.login(user, password)) {
            ftp.disconnect();
            return null;
        }
        ftp.enterLocalPassiveMode();
        ftp.setFileType(FTP.BINARY_FILE_TYPE);
        return ftp;
    }

    private static byte[] download(FTPClient ftp, String path) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ftp.retrieveFile(path, out)).as("RETR %s: %s", path, ftp.getReplyString()).isTrue();
        return out.toByteArray();
    }

    @Test
    void preloadedFilesAreThereAndUploadsLandInTheHome() throws Exception {
        FTPClient ftp = login("alice", "alice-pw");
        try {
            assertThat(new String(download(ftp, "in/orders.csv"), StandardCharsets.UTF_8)).isEqualTo("id,qty\n1,3\n");
            assertThat(ftp.makeDirectory("out")).isTrue();
            assertThat(ftp.storeFile("out/report.csv", new ByteArrayInputStream("a,b\n".getBytes(StandardCharsets.UTF_8)))).isTrue();
            ftp.logout();
        } finally {
            ftp.disconnect();
        }
        assertThat(portico.file("alice", "out/report.csv")).hasContent("a,b");
        assertThat(portico.files("alice").list()).containsExactly("in/orders.csv", "out/report.csv");
        assertThat(portico.files("alice").list("out")).containsExactly("report.csv");
    }

    @Test
    void filesWrittenByTheTestAreServed() throws Exception {
        portico.files("alice").write("today/note.txt", "written by the test");
        FTPClient ftp = login("alice", "alice-pw");
        try {
            assertThat(ftp.listNames("today")).extracting(n -> n.substring(n.lastIndexOf('/') + 1)).containsExactly("note.txt");
            assertThat(new String(download(ftp, "today/note.txt"), StandardCharsets.UTF_8)).isEqualTo("written by the test");
        } finally {
            ftp.disconnect();
        }
        assertThat(portico.files("alice").delete("today/note.txt")).isTrue();
        assertThat(portico.files("alice").exists("today/note.txt")).isFalse();
    }

    @Test
    void usersAndSessionsChangeWhileItRuns() throws Exception {
        portico.addUser("dave", "dave-pw");
        FTPClient dave = login("dave", "dave-pw");
        assertThat(dave).isNotNull();
        try {
            assertThat(portico.closeSessions("dave")).isEqualTo(1);
            // the server closed the control connection: the next command cannot get an answer
            boolean answered;
            try {
                answered = dave.sendNoOp();
            } catch (IOException e) {
                answered = false;
            }
            assertThat(answered).isFalse();
        } finally {
            dave.disconnect();
        }
        portico.setPassword("dave", "other-pw");
        assertThat(login("dave", "dave-pw")).isNull();
        FTPClient again = login("dave", "other-pw");
        assertThat(again).isNotNull();
        again.disconnect();
        assertThat(portico.removeUser("dave")).isTrue();
        assertThat(login("dave", "other-pw")).isNull();
    }

    @Test
    void aSlowedTransferTakesItsTimeAndArrivesWhole() throws Exception {
        byte[] data = new byte[30_000];
        Arrays.fill(data, (byte) 'x');
        portico.files("alice").write("big.bin", data);
        portico.slowTransfers(60_000);             // 30 kB at 60 kB/s: half a second at least
        FTPClient ftp = login("alice", "alice-pw");
        try {
            long start = System.nanoTime();
            byte[] got = download(ftp, "big.bin");
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(got).isEqualTo(data);
            assertThat(tookMs).isGreaterThanOrEqualTo(400);
            portico.slowTransfers(0);
            assertThat(download(ftp, "big.bin")).isEqualTo(data);
        } finally {
            ftp.disconnect();
        }
    }
}
