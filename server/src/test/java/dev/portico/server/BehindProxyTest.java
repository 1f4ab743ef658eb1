package dev.portico.server;

import dev.portico.core.Settings;
import dev.portico.core.SessionInfo;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.PasswordHash;
import dev.portico.core.auth.Permission;
import dev.portico.testing.ProxyHeaders;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Portico behind a load balancer at 127.0.0.1 ({@code proxy-protocol.from=127.0.0.1/32}): the
 * client each PROXY header names is the one that bans, per-address limits, SMTP's
 * {@code Received:} line, the session list and FTP's data-connection checks see. A peer outside
 * the trusted block (127.0.0.2) is a direct client whose PROXY line is an unknown command.
 */
@Timeout(60)
class BehindProxyTest {

    private static final String PASSWORD = "alice-secret";

    @TempDir
    Path data;
    private Portico portico;

    @BeforeEach
    void start() throws IOException {
        FileUserDirectory users = new FileUserDirectory(Portico.usersFile(data), new PasswordHash(1000));
        users.add("alice", PASSWORD.toCharArray(), EnumSet.of(Permission.READ, Permission.WRITE));
        portico = Portico.builder(Settings.of("data", data.toString(),
                        "ftp.port", "0", "ftp.passive.ports", "0", "smtp.port", "0", "pop3.port", "0", "imap.port", "0", "telnet.port", "0",
                        "proxy-protocol.from", "127.0.0.1/32",
                        "telnet.proxy-protocol.from", "off",
                        "pop3.max-sessions-per-address", "2",
                        "login.ban-after", "3", "login.failure-delay", "1ms", "login.max-failure-delay", "5ms"))
                .users(users).tls(TestTls.SERVER).start();
    }

    @AfterEach
    void stop() {
        if (portico != null) portico.close();
    }

    private RawClient pop3(byte[] header) throws IOException {
        return ProxyHeaders.connect(portico.port("pop3"), header);
    }

    private void failPop3Login(byte[] header) throws IOException {
        try (RawClient c = pop3(header)) {
            c.expect("+OK");
            c.send("USER alice");
            c.expect("+OK");
            c.send("PASS wrong");
            c.expect("-ERR");
        }
    }

    private List<String> sessionAddresses() {
        return portico.sessions().sessions().stream().map(SessionInfo::remote).map(a -> a.getAddress().getHostAddress()).toList();
    }

    @Test
    void failuresThroughTheProxyBanTheHeadersClientOnly() throws IOException {
        for (int i = 0; i < 3; i++) failPop3Login(ProxyHeaders.v2("198.51.100.7", 40000 + i, 110));
        try (RawClient banned = pop3(ProxyHeaders.v1("198.51.100.7", 40010, 110))) {
            banned.expect("-ERR [SYS/TEMP]");
            banned.expectClosed();
        }
        // the ban is every server's: FTP refuses the same client too
        try (RawClient banned = ProxyHeaders.connect(portico.port("ftp"), ProxyHeaders.v2("198.51.100.7", 40011, 21))) {
            banned.expect("421");
        }
        try (RawClient other = pop3(ProxyHeaders.v2("198.51.100.8", 40012, 110))) {
            other.expect("+OK");
            other.send("USER alice");
            other.expect("+OK");
            other.send("PASS " + PASSWORD);
            other.expect("+OK");
        }
    }

    @Test
    void anIpv6ClientIsBannedByItsSlash64() throws IOException {
        failPop3Login(ProxyHeaders.v2("2001:db8:5:6::1", 1, 110));
        failPop3Login(ProxyHeaders.v2("2001:db8:5:6:aaaa::2", 2, 110));
        failPop3Login(ProxyHeaders.v1("2001:db8:5:6::3", 3, 110));
        try (RawClient sameNetwork = pop3(ProxyHeaders.v2("2001:db8:5:6:ffff::99", 4, 110))) {
            sameNetwork.expect("-ERR [SYS/TEMP]");
        }
        try (RawClient nextNetwork = pop3(ProxyHeaders.v2("2001:db8:5:7::1", 5, 110))) {
            nextNetwork.expect("+OK");
        }
    }

    @Test
    void perAddressLimitsCountTheHeadersClient() throws IOException {
        try (RawClient a = pop3(ProxyHeaders.v1("203.0.113.50", 1, 110));
             RawClient b = pop3(ProxyHeaders.v2("203.0.113.50", 2, 110))) {
            a.expect("+OK");
            b.expect("+OK");
            try (RawClient third = pop3(ProxyHeaders.v1("203.0.113.50", 3, 110))) {
                third.expect("-ERR [SYS/TEMP] too many connections");
            }
            try (RawClient elsewhere = pop3(ProxyHeaders.v1("203.0.113.51", 4, 110))) {
                elsewhere.expect("+OK");
            }
        }
        // IPv6 clients count by their /64
        try (RawClient a = pop3(ProxyHeaders.v2("2001:db8:9:9::1", 1, 110));
             RawClient b = pop3(ProxyHeaders.v2("2001:db8:9:9:1::2", 2, 110))) {
            a.expect("+OK");
            b.expect("+OK");
            try (RawClient third = pop3(ProxyHeaders.v2("2001:db8:9:9::3", 3, 110))) {
                third.expect("-ERR [SYS/TEMP] too many connections");
            }
            try (RawClient elsewhere = pop3(ProxyHeaders.v2("2001:db8:9:a::1", 4, 110))) {
                elsewhere.expect("+OK");
            }
        }
    }

    @Test
    void smtpReceivedLineAndTheSessionListNameTheHeadersClient() throws IOException {
        try (RawClient c = ProxyHeaders.connect(portico.port("smtp"), ProxyHeaders.v1("192.0.2.25", 51000, 25))) {
            c.expect("220");
            assertThat(portico.sessions().sessions()).anySatisfy(s -> {
                assertThat(s.protocol()).isEqualTo("smtp");
                assertThat(s.remote().getAddress().getHostAddress()).isEqualTo("192.0.2.25");
                assertThat(s.remote().getPort()).isEqualTo(51000);
            });
            c.send("EHLO client.example");
            assertThat(c.expect("250")).isNotNull();
            c.send("MAIL FROM:<sender@example.com>");
            c.expect("250");
            c.send("RCPT TO:<alice@localhost>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("Subject: through the proxy\r\n\r\nhello\r\n.\r\n");
            c.expect("250");
            c.send("QUIT");
        }
        Path inbox = data.resolve("mail").resolve("alice").resolve("Maildir").resolve("new");
        List<Path> messages;
        try (Stream<Path> files = Files.list(inbox)) {
            messages = files.toList();
        }
        assertThat(messages).hasSize(1);
        assertThat(Files.readString(messages.get(0))).containsPattern("(?m)^Received: from client\\.example \\(\\[192\\.0\\.2\\.25\\]\\)");
    }

    @Test
    void anUntrustedPeersProxyLineIsAnUnknownCommand() throws IOException {
        try (RawClient c = ProxyHeaders.from("127.0.0.2", portico.port("ftp"))) {
            c.expect("220");       // greeted at once: no header was waited for
            c.sendBytes(ProxyHeaders.v1("192.0.2.66", 1, 21));
            c.expect("500");
            assertThat(sessionAddresses()).contains("127.0.0.2").doesNotContain("192.0.2.66");
        }
        // and a server whose own key turns the protocol off greets the trusted address at once
        try (Socket telnet = new Socket("127.0.0.1", portico.port("telnet"))) {
            telnet.setSoTimeout(5000);
            assertThat(telnet.getInputStream().read()).isNotEqualTo(-1);     // no header was waited for
        }
    }

    @Test
    void ftpPassiveDataThroughTheProxyComesFromTheHeadersClient() throws IOException {
        try (RawClient c = ProxyHeaders.connect(portico.port("ftp"), ProxyHeaders.v2("192.0.2.10", 50000, 21))) {
            c.expect("220");
            c.send("USER alice");
            c.expect("331");
            c.send("PASS " + PASSWORD);
            c.expect("230");
            // bounce protection compares with the real client, not with the proxy
            c.send("PORT 127,0,0,1,200,10");
            c.expect("504");
            c.send("EPRT |1|192.0.2.10|50001|");
            c.expect("200");

            c.send("PASV");
            int port = passivePort(c.expect("227"));
            // a data connection the proxy made for another client is refused; the right one is taken
            try (Socket stranger = dataConnection(port, ProxyHeaders.v2("192.0.2.99", 1, port), new byte[0]);
                 // the header and the file's first bytes come in one write: only the header is read as one
                 Socket upload = dataConnection(port, ProxyHeaders.v2("192.0.2.10", 50002, port),
                         "hello through the proxy".getBytes(StandardCharsets.US_ASCII))) {
                upload.shutdownOutput();
                c.send("STOR through-proxy.txt");
                c.expect("150");
                c.expect("226");
                assertClosed(stranger);
            }

            c.send("PASV");
            port = passivePort(c.expect("227"));
            try (Socket download = dataConnection(port, ProxyHeaders.v1("192.0.2.10", 50003, port), new byte[0])) {
                c.send("RETR through-proxy.txt");
                c.expect("150");
                assertThat(new String(download.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("hello through the proxy");
                c.expect("226");
            }
        }
        assertThat(Files.readString(data.resolve("files").resolve("alice").resolve("through-proxy.txt")))
                .isEqualTo("hello through the proxy");
    }

    private static int passivePort(String reply) {
        Matcher m = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)").matcher(reply);
        assertThat(m.find()).as(reply).isTrue();
        return Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
    }

    /** A data connection as HAProxy makes it with {@code send-proxy} on the passive ports, {@code data} after the header. */
    private static Socket dataConnection(int port, byte[] header, byte[] data) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5000);
        byte[] both = Arrays.copyOf(header, header.length + data.length);
        System.arraycopy(data, 0, both, header.length, data.length);
        OutputStream out = s.getOutputStream();
        out.write(both);
        out.flush();
        return s;
    }

    /** The server closed it: end of stream, or a reset when it never accepted it. */
    private static void assertClosed(Socket s) {
        try {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (IOException e) {
            assertThat(e).isNotInstanceOf(java.net.SocketTimeoutException.class);
        }
    }
}
