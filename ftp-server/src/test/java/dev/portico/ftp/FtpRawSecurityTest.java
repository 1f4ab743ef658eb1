package dev.portico.ftp;

import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Malformed input and escape attempts over raw sockets. */
@Timeout(30)
class FtpRawSecurityTest {

    @RegisterExtension
    final FtpTestServer ftp = FtpTestServer.started("ftp.max-sessions-per-address", "20");
    /** A second server with other limits. */
    @RegisterExtension
    final FtpTestServer other = new FtpTestServer();
    Path dir;
    RawClient raw;

    @BeforeEach
    void start() throws Exception {
        dir = ftp.dir;
        Files.writeString(dir.resolve("outside.txt"), "secret");
        ftp.write("bob", "bobs.txt", "bob's");
        ftp.write("alice", "mine.txt", "alice's");
        raw = RawFtp.alice(ftp.port());
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
    }

    private String retrieve(String path) throws Exception {
        int port = RawFtp.pasv(raw);
        try (Socket data = RawFtp.connect(port)) {
            String first = raw.send("RETR " + path).readReply();
            if (!first.startsWith("150")) return first;
            String body = new String(data.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            raw.expect("226");
            return body;
        }
    }

    @Test
    void dotDotNeverLeavesTheRoot() throws Exception {
        raw.send("CWD ../../..").expect("250");
        raw.send("PWD").expect("257 \"/\"");
        assertThat(retrieve("../outside.txt")).startsWith("550");
        assertThat(retrieve("../../outside.txt")).startsWith("550");
        assertThat(retrieve("../bob/bobs.txt")).startsWith("550");
        assertThat(retrieve("\\..\\bob\\bobs.txt")).startsWith("550");
        assertThat(retrieve("..\\..\\outside.txt")).startsWith("550");
        assertThat(retrieve("/etc/passwd")).startsWith("550");
        assertThat(retrieve(dir.resolve("outside.txt").toString())).startsWith("550");
        raw.send("CWD /etc").expect("550");
        raw.send("SIZE ../outside.txt").expect("550");
        raw.send("DELE ../bob/bobs.txt").expect("550");
        raw.send("RNFR mine.txt").expect("350");
        raw.send("RNTO ../../stolen.txt").expect("250");   // lands in the root, not above it
        assertThat(ftp.home("alice").resolve("stolen.txt")).exists();
        assertThat(dir.resolve("stolen.txt")).doesNotExist();
        assertThat(retrieve("../../../stolen.txt")).isEqualTo("alice's");
        assertThat(dir.resolve("files/bob/bobs.txt")).exists();
    }

    @Test
    void nulBytesAreRefused() throws Exception {
        raw.sendBytes("RETR mine.txt\0.jpg\r\n".getBytes(StandardCharsets.ISO_8859_1)).expect("425");   // no PASV yet
        int port = RawFtp.pasv(raw);
        Socket data = RawFtp.connect(port);
        try {
            raw.sendBytes("RETR mine.txt\0.jpg\r\n".getBytes(StandardCharsets.ISO_8859_1)).expect("553");
        } finally {
            data.close();
        }
        raw.sendBytes("MKD a\0b\r\n".getBytes(StandardCharsets.ISO_8859_1)).expect("553");
        raw.sendBytes("CWD \0\r\n".getBytes(StandardCharsets.ISO_8859_1)).expect("553");
        raw.send("NOOP").expect("200");
    }

    @Test
    void symbolicLinksOutOfTheRootLeadNowhere() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(outside.resolve("x.txt"), "outside");
        Files.createSymbolicLink(ftp.home("alice").resolve("link"), outside);
        Files.createSymbolicLink(ftp.home("alice").resolve("file-link"), dir.resolve("outside.txt"));
        raw.send("CWD link").expect("550");
        assertThat(retrieve("link/x.txt")).startsWith("550");
        assertThat(retrieve("file-link")).startsWith("550");
        raw.send("SIZE file-link").expect("550");
        raw.send("MKD link/new").expect("550");
        assertThat(outside.resolve("new")).doesNotExist();
        int port = RawFtp.pasv(raw);
        try (Socket data = RawFtp.connect(port)) {
            raw.send("NLST").expect("150");
            String names = new String(data.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(names).contains("mine.txt").doesNotContain("link");
        }
        raw.expect("226");
    }

    @Test
    void iacIacIsALiteralFfByteAndOtherTelnetCommandsAreDropped() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("MKD a".getBytes(StandardCharsets.US_ASCII));
        b.write(255);
        b.write(255);
        b.writeBytes("b\r\n".getBytes(StandardCharsets.US_ASCII));
        raw.sendBytes(b.toByteArray()).expect("257");
        // a lone 0xFF is not UTF-8, so the name is taken byte for byte: U+00FF
        assertThat(ftp.home("alice").resolve("a\u00ffb")).isDirectory();
        // IAC IP and an option negotiation inside a command are consumed, not part of it
        raw.sendBytes(new byte[]{'N', 'O', (byte) 255, (byte) 244, 'O', (byte) 255, (byte) 251, 1, 'P', '\r', '\n'}).expect("200");
    }

    @Test
    void overlongLineIs500AndOtherSessionsAreUnaffected() throws Exception {
        try (RawClient other = RawFtp.login(ftp.port(), "bob", TestServices.BOB_PASSWORD)) {
            raw.send("RETR " + "x".repeat(100_000)).expect("500");
            raw.send("NOOP").expect("200");
            other.send("NOOP").expect("200");
            other.send("PWD").expect("257");
        }
    }

    @Test
    void portAndEprtToThirdPartiesOrPrivilegedPortsAreRefused() throws Exception {
        raw.send("PORT 127,0,0,2,200,10").expect("504");
        raw.send("PORT 10,1,2,3,200,10").expect("504");
        raw.send("PORT 127,0,0,1,0,21").expect("504");
        raw.send("EPRT |1|127.0.0.2|50000|").expect("504");
        raw.send("EPRT |1|127.0.0.1|80|").expect("504");
        raw.send("EPRT |1|evil.example.com|50000|").expect("501");
        raw.send("PORT 127,0,0,1,300,1").expect("501");
        raw.send("PORT nonsense").expect("501");
        raw.send("EPRT garbage").expect("501");
        raw.send("PORT 127,0,0,1,200,10").expect("200");
    }

    @Test
    void passiveConnectionFromAnotherAddressIsRejected() throws Exception {
        int port = RawFtp.pasv(raw);
        try (Socket stranger = new Socket()) {
            stranger.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            stranger.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            stranger.setSoTimeout(5000);
            try (Socket data = RawFtp.connect(port)) {
                raw.send("RETR mine.txt").expect("150");
                assertThat(new String(data.getInputStream().readAllBytes())).isEqualTo("alice's");
            }
            raw.expect("226");
            // the stranger got nothing but a closed connection
            int got;
            try {
                got = stranger.getInputStream().read();
            } catch (IOException e) {
                got = -1;
            }
            assertThat(got).isEqualTo(-1);
        }
    }

    @Test
    void passiveListenerTimesOutWith425() throws Exception {
        other.start("ftp.data-timeout", "300ms");
        try (RawClient r = RawFtp.alice(other.port())) {
            other.write("alice", "f", "x");
            RawFtp.pasv(r);
            r.send("RETR f").expect("425");
            r.send("NOOP").expect("200");
        }
    }

    @Test
    void idleSessionsGet421AndAreClosed() throws Exception {
        other.start("ftp.idle-timeout", "300ms");
        try (RawClient r = new RawClient(other.port())) {
            r.expect("220");
            r.expect("421");
            r.expectClosed();
        }
    }

    @Test
    void sessionsPerAddressAreLimited() throws Exception {
        other.start("ftp.max-sessions-per-address", "1");
        try (RawClient first = new RawClient(other.port());
             RawClient second = new RawClient(other.port())) {
            first.expect("220");
            second.expect("421");
            second.expectClosed();
            first.send("NOOP").expect("200");
        }
    }
}
