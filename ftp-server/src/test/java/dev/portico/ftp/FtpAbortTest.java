package dev.portico.ftp;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class FtpAbortTest {

    private static final byte[] IAC_IP_IAC = {(byte) 255, (byte) 244, (byte) 255};
    private static final int DM = 242;

    @RegisterExtension
    final FtpTestServer ftp = FtpTestServer.started();
    /** A second server with a short data timeout. */
    @RegisterExtension
    final FtpTestServer quick = new FtpTestServer();

    @BeforeEach
    void files() throws Exception {
        Path big = ftp.home("alice").resolve("big.dat");
        try (OutputStream out = Files.newOutputStream(big)) {
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 20; i++) out.write(chunk);
        }
        ftp.write("alice", "keep.txt", "original");
    }

    @Test
    void aborDuringLargeRetrGives426Then226AndControlStaysUsable() throws Exception {
        try (RawClient raw = RawFtp.alice(ftp.port())) {
            raw.send("TYPE I").expect("200");
            int port = RawFtp.pasv(raw);
            try (Socket data = RawFtp.connect(port)) {
                raw.send("RETR big.dat").expect("150");
                InputStream in = data.getInputStream();
                byte[] some = in.readNBytes(64 * 1024);
                assertThat(some).hasSize(64 * 1024);
                // STAT answers while the transfer runs
                raw.send("STAT").expect("213");
                // Telnet Synch the way BSD ftp sends it (RFC 959 §4.1.3): IAC IP, IAC as the urgent
                // byte (taken out of band by the receiver), DM in band, then ABOR
                raw.sendBytes(new byte[]{(byte) 255, (byte) 244});
                raw.socket().sendUrgentData(255);
                raw.sendBytes(new byte[]{(byte) DM});
                raw.send("ABOR");
                raw.expect("426");
                raw.expect("226");
            }
            raw.send("NOOP").expect("200");
            raw.send("SIZE big.dat").expect("213 20971520");
            // and the next transfer works
            int port2 = RawFtp.pasv(raw);
            try (Socket data = RawFtp.connect(port2)) {
                raw.send("RETR keep.txt").expect("150");
                assertThat(new String(data.getInputStream().readAllBytes())).isEqualTo("original");
            }
            raw.expect("226");
        }
    }

    @Test
    void abortedUploadNeverReplacesTheExistingFile() throws Exception {
        try (RawClient raw = RawFtp.alice(ftp.port())) {
            int port = RawFtp.pasv(raw);
            try (Socket data = RawFtp.connect(port)) {
                raw.send("STOR keep.txt").expect("150");
                data.getOutputStream().write(new byte[100_000]);
                data.getOutputStream().flush();
                // Synch with DM as the urgent byte: the receiver keeps IAC IP IAC in band
                raw.sendBytes(IAC_IP_IAC);
                raw.socket().sendUrgentData(DM);
                raw.send("ABOR");
                raw.expect("426");
                raw.expect("226");
            }
            raw.send("NOOP").expect("200");
        }
        assertThat(ftp.home("alice").resolve("keep.txt")).hasContent("original");
        try (var files = Files.list(ftp.home("alice"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("big.dat", "keep.txt");
        }
    }

    @Test
    void clientClosingTheDataConnectionEarlyGives426() throws Exception {
        try (RawClient raw = RawFtp.alice(ftp.port())) {
            int port = RawFtp.pasv(raw);
            try (Socket data = RawFtp.connect(port)) {
                raw.send("RETR big.dat").expect("150");
                data.getInputStream().readNBytes(1000);
                data.setSoLinger(true, 0);   // reset, as a client that gave up would
            }
            raw.expect("426");
            raw.send("NOOP").expect("200");
        }
    }

    @Test
    void aborWithoutTransferIs226() throws Exception {
        try (RawClient raw = RawFtp.alice(ftp.port())) {
            raw.send("ABOR").expect("226");
            RawFtp.pasv(raw);
            raw.send("ABOR").expect("226");
            raw.send("RETR keep.txt").expect("425");   // ABOR dropped the PASV listener
        }
    }

    @Test
    void quitDuringTransferWaitsForTheTransfer() throws Exception {
        try (RawClient raw = RawFtp.alice(ftp.port())) {
            int port = RawFtp.pasv(raw);
            try (Socket data = RawFtp.connect(port)) {
                raw.send("RETR big.dat").expect("150");
                raw.send("QUIT");
                assertThat(data.getInputStream().readAllBytes()).hasSize(20 << 20);
            }
            raw.expect("226");
            raw.expect("221");
            raw.expectClosed();
        }
    }

    @Test
    void serverShutdownLetsARunningUploadFinish() throws Exception {
        byte[] chunk = FtpTransferTest.random(50_000, 9);
        try (RawClient raw = RawFtp.alice(ftp.port())) {
            int port = RawFtp.pasv(raw);
            Thread closer;
            try (Socket data = RawFtp.connect(port)) {
                raw.send("STOR late.bin").expect("150");
                data.getOutputStream().write(chunk);
                closer = Thread.ofVirtual().start(ftp::close);
                raw.expect("421");   // the control connection is told, the transfer goes on
                data.getOutputStream().write(chunk);
            }
            closer.join(20_000);
            assertThat(closer.isAlive()).isFalse();
        }
        byte[] both = new byte[100_000];
        System.arraycopy(chunk, 0, both, 0, 50_000);
        System.arraycopy(chunk, 0, both, 50_000, 50_000);
        assertThat(ftp.home("alice").resolve("late.bin")).hasBinaryContent(both);
    }

    @Test
    void aClientThatStopsReadingIsCutOffAfterTheDataTimeout() throws Exception {
        quick.start("ftp.data-timeout", "500ms");
        Files.copy(ftp.home("alice").resolve("big.dat"), quick.home("alice").resolve("big.dat"));
        try (RawClient raw = RawFtp.alice(quick.port())) {
            int port = RawFtp.pasv(raw);
            try (Socket data = RawFtp.connect(port)) {
                data.setReceiveBufferSize(4096);
                raw.send("RETR big.dat").expect("150");
                // Nothing is read: once the socket buffers are full the watchdog sees no progress for
                // 500 ms and aborts. How long the buffers take to fill depends on the machine's load
                // (the classes of this module run concurrently), so the wait for 426 is generous.
                raw.timeout(30_000).expect("426");
            }
            raw.send("NOOP").expect("200");
        }
    }
}
