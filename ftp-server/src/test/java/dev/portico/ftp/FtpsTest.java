package dev.portico.ftp;

import dev.portico.core.tls.Tls;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestCertificates;
import dev.portico.testing.TestServices;
import dev.portico.testing.TestTls;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class FtpsTest {

    @RegisterExtension
    final FtpTestServer ftp = new FtpTestServer();
    FTPSClient c;

    private FTPSClient explicit(int port) throws IOException {
        return ftp.connect(new FTPSClient(false, TestTls.CLIENT), port);
    }

    private void loginProtected(FTPSClient client) throws IOException {
        client.execPBSZ(0);
        client.execPROT("P");
        assertThat(client.login("alice", TestServices.ALICE_PASSWORD)).isTrue();
        client.setFileType(FTP.BINARY_FILE_TYPE);
        client.enterLocalPassiveMode();
    }

    @ParameterizedTest(name = "active={0}")
    @ValueSource(booleans = {false, true})
    void explicitTlsWithProtectedData(boolean active) throws Exception {
        ftp.start();
        c = explicit(ftp.port());
        loginProtected(c);
        if (active) c.enterLocalActiveMode();
        byte[] data = FtpTransferTest.random(200_000, 7);
        assertThat(c.storeFile("s.dat", new ByteArrayInputStream(data))).isTrue();
        assertThat(ftp.home("alice").resolve("s.dat")).hasBinaryContent(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(c.retrieveFile("s.dat", out)).isTrue();
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(c.listFiles()).extracting(FTPFile::getName).containsExactly("s.dat");
        // Commons Net turns a refused CCC into an exception carrying the reply
        assertThatThrownBy(() -> c.sendCommand("CCC")).hasMessageStartingWith("534");
        assertThat(c.sendCommand("PROT", "S")).isEqualTo(536);
        // back to clear data on the same session
        c.execPROT("C");
        assertThat(c.retrieveFile("s.dat", new ByteArrayOutputStream())).isTrue();
    }

    @Test
    void implicitTlsListener() throws Exception {
        ftp.start("ftp.implicit-port", "0");
        assertThat(ftp.server.listeners()).containsKeys("ftp", "ftps");
        c = ftp.connect(new FTPSClient(true, TestTls.CLIENT), ftp.server.implicitPort());
        loginProtected(c);
        ftp.write("alice", "i.txt", "implicit");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(c.retrieveFile("i.txt", out)).isTrue();
        assertThat(out.toString()).isEqualTo("implicit");
    }

    @Test
    void negotiationErrors() throws Exception {
        ftp.start();
        try (RawClient raw = new RawClient(ftp.port())) {
            raw.expect("220");
            raw.send("PBSZ 0").expect("503");
            raw.send("PROT P").expect("503");
            raw.send("CCC").expect("503");
            raw.send("AUTH KERBEROS").expect("504");
            raw.send("USER alice").expect("331");
            // AUTH TLS with a command pipelined behind it: the plaintext command is dropped
            raw.sendRaw("AUTH TLS\r\nNOOP\r\n").expect("234");
            raw.startTls();
            raw.send("PROT P").expect("503");          // PBSZ first
            raw.send("PBSZ 0").expect("200");
            raw.send("PROT X").expect("504");
            raw.send("PROT P").expect("200");
            raw.send("PASS " + TestServices.ALICE_PASSWORD).expect("503");   // AUTH reset the login
            RawFtp.alice(raw);
            raw.send("AUTH TLS").expect("503");
            raw.send("NOOP").expect("200");
        }
    }

    @Test
    void authSslIsAnAliasThatImpliesProtectedData() throws Exception {
        ftp.start();
        try (RawClient raw = new RawClient(ftp.port())) {
            raw.expect("220");
            raw.send("AUTH SSL").expect("234");
            raw.startTls();
            RawFtp.alice(raw);
            raw.send("STAT").expect("211");
        }
    }

    @Test
    void tlsRequiredRefusesPlainLoginAndClearData() throws Exception {
        ftp.start("ftp.tls.required", "true");
        try (RawClient raw = new RawClient(ftp.port())) {
            raw.expect("220");
            raw.send("USER alice").expect("530");
        }
        c = explicit(ftp.port());
        assertThat(c.login("alice", TestServices.ALICE_PASSWORD)).isTrue();
        c.enterLocalPassiveMode();
        c.execPBSZ(0);
        c.execPROT("C");
        assertThat(c.listFiles()).isEmpty();
        assertThat(c.getReplyCode()).isEqualTo(522);
        c.execPROT("P");
        ftp.write("alice", "t.txt", "tls");
        assertThat(c.listNames()).containsExactly("t.txt");
    }

    @Test
    void enforcedResumptionRefusesAClientThatDoesNotResume() throws Exception {
        ftp.start("ftp.tls.resumption", "enforced");
        ftp.write("alice", "r.txt", "resumed");
        c = explicit(ftp.port());
        loginProtected(c);
        // Commons Net starts a fresh TLS session on every data connection
        assertThat(c.retrieveFile("r.txt", new ByteArrayOutputStream())).isFalse();
        assertThat(c.getReplyCode()).isEqualTo(522);
        assertThat(c.sendNoOp()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void enforcedResumptionAcceptsAResumingClient(String protocol) throws Exception {
        ftp.start("ftp.tls.resumption", "enforced");
        ftp.write("alice", "r.txt", "resumed");
        try (ResumingClient client = new ResumingClient(ftp.port(), protocol)) {
            assertThat(client.retrieve("r.txt")).isEqualTo("resumed");
            assertThat(client.retrieve("r.txt")).isEqualTo("resumed");   // and again, from the next ticket
        }
    }

    /**
     * A renewed certificate reaches new connections; a session that began before it goes on
     * resuming its own TLS session on each data connection, which only the context that made the
     * session can do (a fresh one would refuse it and 522 the transfer).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void dataConnectionsOfASessionOpenedBeforeAReloadStillResume(String protocol, @TempDir Path dir) throws Exception {
        Path cert = dir.resolve("fullchain.pem"), key = dir.resolve("privkey.pem");
        TestCertificates.rsa("first.example").write(cert, key, TestCertificates.KeyFormat.PKCS8);
        Tls tls = Tls.pem(cert, key);
        ftp.tls(tls).start("ftp.tls.resumption", "enforced");
        ftp.write("alice", "r.txt", "resumed");
        try (ResumingClient client = new ResumingClient(ftp.port(), protocol, TestCertificates.trustAll())) {
            assertThat(client.retrieve("r.txt")).isEqualTo("resumed");
            TestCertificates.Identity second = TestCertificates.ec("second.example").write(cert, key, TestCertificates.KeyFormat.PKCS8);
            assertThat(tls.reload()).isTrue();
            assertThat(client.retrieve("r.txt")).isEqualTo("resumed");
            try (ResumingClient fresh = new ResumingClient(ftp.port(), protocol, TestCertificates.trustAll())) {
                assertThat(fresh.control.getSession().getPeerCertificates()[0]).isEqualTo(second.certificate());
                assertThat(fresh.retrieve("r.txt")).isEqualTo("resumed");
            }
        }
    }

    /**
     * An FTPS client that resumes the control connection's TLS session on its data connections, as
     * FileZilla and lftp do. The JDK's client session cache is keyed by the peer's host and port,
     * so the data socket reports the control port to it.
     */
    static final class ResumingClient implements AutoCloseable {
        private final SSLContext context;
        private final int port;
        private final String protocol;
        private final SSLSocket control;
        private final BufferedReader in;
        private final OutputStream out;

        ResumingClient(int port, String protocol) throws IOException {
            this(port, protocol, TestTls.SERVER.clientContext());
        }

        ResumingClient(int port, String protocol, SSLContext context) throws IOException {
            this.context = context;
            this.port = port;
            this.protocol = protocol;
            Socket plain = RawFtp.connect(port);
            BufferedReader plainIn = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.UTF_8));
            expect(plainIn, "220");
            plain.getOutputStream().write("AUTH TLS\r\n".getBytes(StandardCharsets.US_ASCII));
            expect(plainIn, "234");
            control = wrap(plain);
            control.startHandshake();
            in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.UTF_8));
            out = control.getOutputStream();
            command("USER alice", "331");
            command("PASS " + TestServices.ALICE_PASSWORD, "230");
            command("PBSZ 0", "200");
            command("PROT P", "200");
        }

        private SSLSocket wrap(Socket s) throws IOException {
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(s, "127.0.0.1", port, true);
            SSLParameters p = ssl.getSSLParameters();
            p.setProtocols(new String[]{protocol});
            ssl.setSSLParameters(p);
            return ssl;
        }

        String retrieve(String name) throws IOException {
            int dataPort = RawFtp.pasvPort(command("PASV", "227"));
            int controlPort = port;
            Socket plain = new Socket() {
                @Override
                public int getPort() {
                    return controlPort;   // the JDK looks up sessions by host and this port
                }
            };
            plain.connect(new InetSocketAddress("127.0.0.1", dataPort), 5000);
            plain.setSoTimeout(10_000);
            try (SSLSocket data = wrap(plain)) {
                command("RETR " + name, "150");
                data.startHandshake();
                String body = new String(data.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                expect(in, "226");
                return body;
            }
        }

        private String command(String line, String code) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return expect(in, code);
        }

        private static String expect(BufferedReader r, String code) throws IOException {
            String line = r.readLine();
            while (line != null && line.length() > 3 && line.charAt(3) == '-') {
                String end = line.substring(0, 3) + " ";
                do line = r.readLine(); while (line != null && !line.startsWith(end));
            }
            if (line == null || !line.startsWith(code)) throw new AssertionError("expected " + code + " but got " + line);
            return line;
        }

        @Override
        public void close() throws IOException {
            control.close();
        }
    }

    @Test
    void dataTimeoutIsShortInTests() throws Exception {
        ftp.start();
        assertThat(ftp.server.config().dataTimeout()).isEqualTo(Duration.ofSeconds(5));
    }
}
