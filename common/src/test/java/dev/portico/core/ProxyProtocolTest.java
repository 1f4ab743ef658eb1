package dev.portico.core;

import ch.qos.logback.classic.Level;
import dev.portico.testing.LogCapture;
import dev.portico.testing.ProxyHeaders;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PROXY protocol reader against the specification's examples and its edges, and a listener
 * trusting 127.0.0.1: the header's client is the session's address, a bad header closes only
 * that connection, an untrusted peer's PROXY line is plain input.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProxyProtocolTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 5555);

    private final SessionRegistry registry = new SessionRegistry();
    private LineServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop(Duration.ofSeconds(1));
    }

    private static InetSocketAddress read(byte[] header) throws IOException {
        return ProxyProtocol.read(new ByteArrayInputStream(header), PEER);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void versionOneNamesTheClient() throws IOException {
        assertThat(read(bytes("PROXY TCP4 192.0.2.10 127.0.0.1 56324 2121\r\n")))
                .isEqualTo(new InetSocketAddress("192.0.2.10", 56324));
        assertThat(read(bytes("PROXY TCP6 2001:db8::1 ::1 65535 25\r\n")))
                .isEqualTo(new InetSocketAddress("2001:db8::1", 65535));
        assertThat(read(bytes("PROXY UNKNOWN\r\n"))).isEqualTo(PEER);
        assertThat(read(bytes("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n"))).isEqualTo(PEER);
    }

    @Test
    void versionTwoNamesTheClientAndLocalMeansTheProxyItself() throws IOException {
        assertThat(read(ProxyHeaders.v2("198.51.100.7", 40001, 2110))).isEqualTo(new InetSocketAddress("198.51.100.7", 40001));
        assertThat(read(ProxyHeaders.v2("2001:db8:1:2::a", 443, 2110))).isEqualTo(new InetSocketAddress("2001:db8:1:2::a", 443));
        // TLVs (here PP2_TYPE_AUTHORITY "example.com") follow the addresses and are skipped
        byte[] authority = {0x02, 0x00, 0x0b, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm'};
        assertThat(read(ProxyHeaders.v2("198.51.100.8", 1, 2, authority))).isEqualTo(new InetSocketAddress("198.51.100.8", 1));
        assertThat(read(ProxyHeaders.v2Local())).isEqualTo(PEER);
    }

    @Test
    void theHeaderIsReadToItsLastByteAndNoFurther() throws IOException {
        for (byte[] header : List.of(bytes("PROXY TCP4 192.0.2.10 127.0.0.1 1 2\r\n"), ProxyHeaders.v2("192.0.2.10", 1, 2))) {
            byte[] withData = Arrays.copyOf(header, header.length + 5);
            System.arraycopy(bytes("HELLO"), 0, withData, header.length, 5);
            InputStream in = new ByteArrayInputStream(withData);
            ProxyProtocol.read(in, PEER);
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("HELLO");
        }
    }

    @Test
    void malformedHeadersAreRefused() {
        List<byte[]> bad = List.of(
                bytes("USER alice\r\n"),
                bytes("PROXY TCP4 192.0.2.10 127.0.0.1 1 2\n"),               // LF alone
                bytes("PROXY TCP4 192.0.2.10 127.0.0.1 1\r\n"),               // a field missing
                bytes("PROXY TCP4 2001:db8::1 127.0.0.1 1 2\r\n"),            // family mismatch
                bytes("PROXY TCP4 example.com 127.0.0.1 1 2\r\n"),            // a name, not an address
                bytes("PROXY TCP4 192.0.2.10 127.0.0.1 65536 2\r\n"),         // port out of range
                bytes("PROXY TCP4 192.0.2.10 127.0.0.1 01 2\r\n"),            // leading zero
                bytes("PROXY TCP5 192.0.2.10 127.0.0.1 1 2\r\n"),
                bytes("PROXY TCP4 192.0.2.10  127.0.0.1 1 2\r\n"),            // two spaces
                bytes("PROXY " + "x".repeat(200) + "\r\n"),                   // over 107 bytes
                bytes("PROXY TCP4 192.0.2.10"),                               // cut short
                Arrays.copyOf(ProxyHeaders.v2("192.0.2.10", 1, 2), 20),       // cut short
                version2With(0x31, 0x11, 12),                                 // version 3
                version2With(0x22, 0x11, 12),                                 // command 2
                version2With(0x21, 0x11, 4),                                  // addresses cut short
                version2With(0x21, 0x11, 5000),                               // oversized
                version2With(0x21, 0x51, 12));                                // family 5
        for (byte[] b : bad) {
            assertThatThrownBy(() -> read(b)).as(new String(b, StandardCharsets.ISO_8859_1)).isInstanceOf(IOException.class);
        }
    }

    /** A v2 header with the given command, family and length bytes, and that many bytes after it. */
    private static byte[] version2With(int versionCommand, int family, int length) {
        byte[] good = ProxyHeaders.v2("192.0.2.10", 1, 2);
        byte[] b = Arrays.copyOf(good, 16 + length);
        b[12] = (byte) versionCommand;
        b[13] = (byte) family;
        b[14] = (byte) (length >> 8);
        b[15] = (byte) length;
        return b;
    }

    @Test
    void configurationListsBlocksOrOff() {
        Settings s = Settings.of("proxy-protocol.from", "127.0.0.1/32, 10.0.0.0/8", "ftp.proxy-protocol.from", "off");
        ProxyProtocol shared = ProxyProtocol.from(s, "proxy-protocol.from", ProxyProtocol.OFF);
        assertThat(shared.trusts(InetAddress.getLoopbackAddress())).isTrue();
        assertThat(shared.from()).extracting(Cidr::toString).containsExactly("127.0.0.1", "10.0.0.0/8");
        assertThat(ProxyProtocol.from(s, "ftp.proxy-protocol.from", shared).isOn()).isFalse();
        assertThat(ProxyProtocol.from(s, "smtp.proxy-protocol.from", shared)).isSameAs(shared);
        assertThatThrownBy(() -> ProxyProtocol.from(Settings.of("proxy-protocol.from", "haproxy.local"), "proxy-protocol.from", null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("proxy-protocol.from");
    }

    private LineServer start(Limits limits, ConnectionFilter filter, dev.portico.core.tls.Tls implicitTls) throws IOException {
        ProxyProtocol trusted = new ProxyProtocol(List.of(Cidr.parse("127.0.0.1/32")));
        // the toy's ECHO answers with the session's address when asked for "ADDR"
        ToyProtocol toy = new ToyProtocol(TestTls.SERVER);
        server = new LineServer(new LineServer.Options("toy", new InetSocketAddress("127.0.0.1", 0), limits,
                "421 go away", "421 bye", implicitTls, trusted), toy, registry, filter).start();
        return server;
    }

    private String addressOf(RawClient c) throws IOException {
        c.send("WHO");
        return c.expect("250").substring(4);
    }

    @Test
    void theHeadersClientIsTheSessionsAddressAndLimitsCountIt() throws IOException {
        start(Limits.DEFAULT.withMaxSessionsPerAddress(1), ConnectionFilter.ADMIT_ALL, null);
        try (RawClient v1 = ProxyHeaders.connect(server.port(), ProxyHeaders.v1("192.0.2.10", 40000, 2121));
             RawClient v2 = ProxyHeaders.connect(server.port(), ProxyHeaders.v2("2001:db8::7", 40001, 2121));
             RawClient local = ProxyHeaders.connect(server.port(), ProxyHeaders.v2Local())) {
            v1.expect("220");
            v2.expect("220");
            local.expect("220");
            assertThat(addressOf(v1)).isEqualTo("192.0.2.10:40000");
            assertThat(addressOf(v2)).isEqualTo("2001:db8:0:0:0:0:0:7:40001");
            assertThat(addressOf(local)).startsWith("127.0.0.1:");
            assertThat(registry.sessions()).extracting(i -> i.remote().getAddress().getHostAddress())
                    .contains("192.0.2.10", "2001:db8:0:0:0:0:0:7");
            // one session per address: a second from 192.0.2.10 is refused, though every one comes from the proxy
            try (RawClient again = ProxyHeaders.connect(server.port(), ProxyHeaders.v1("192.0.2.10", 40002, 2121))) {
                again.expect("421 go away");
                again.expectClosed();
            }
            try (RawClient other = ProxyHeaders.connect(server.port(), ProxyHeaders.v1("192.0.2.11", 40003, 2121))) {
                other.expect("220");
            }
        }
    }

    @Test
    void theBanListIsCheckedWithTheHeadersClient() throws IOException {
        InetAddress banned = InetAddress.getByName("203.0.113.66");
        start(Limits.DEFAULT, a -> !a.equals(banned), null);
        try (RawClient c = ProxyHeaders.connect(server.port(), ProxyHeaders.v2("203.0.113.66", 1234, 2121))) {
            c.expect("421 go away");
            c.expectClosed();
        }
        try (RawClient c = ProxyHeaders.connect(server.port(), ProxyHeaders.v2("203.0.113.67", 1234, 2121))) {
            c.expect("220");
        }
    }

    @Test
    void aBadHeaderClosesThatConnectionOnly() throws IOException {
        start(Limits.DEFAULT, ConnectionFilter.ADMIT_ALL, null);
        try (LogCapture log = LogCapture.of(Level.INFO, LineServer.class);
             RawClient good = ProxyHeaders.connect(server.port(), ProxyHeaders.v1("192.0.2.20", 1, 2))) {
            good.expect("220");
            for (byte[] bad : List.of(bytes("ECHO hello\r\n"), bytes("PROXY " + "9".repeat(300) + "\r\n"),
                    Arrays.copyOf(version2With(0x21, 0x11, 60_000), 16), Arrays.copyOf(version2With(0x31, 0x11, 12), 28))) {
                try (RawClient c = ProxyHeaders.connect(server.port(), bad)) {
                    c.expectClosed();     // nothing is sent, not even a greeting
                }
                good.send("ECHO still here");
                good.expect("250 still here");
            }
            assertThat(log.containing("no valid PROXY header from 127.0.0.1")).isNotEmpty();
        }
    }

    @Test
    void aMissingHeaderClosesTheConnectionAfterTheHeaderTimeout() throws IOException {
        start(Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(500)), ConnectionFilter.ADMIT_ALL, null);
        try (RawClient c = ProxyHeaders.connect(server.port(), new byte[0])) {
            long t0 = System.nanoTime();
            c.expectClosed();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        }
        try (RawClient next = ProxyHeaders.connect(server.port(), ProxyHeaders.v2Local())) {
            next.expect("220");
        }
    }

    @Test
    void anUntrustedPeersProxyLineIsOrdinaryInput() throws IOException {
        start(Limits.DEFAULT, ConnectionFilter.ADMIT_ALL, null);
        try (RawClient c = ProxyHeaders.from("127.0.0.2", server.port())) {
            c.expect("220");     // the greeting comes first: nothing was waited for
            c.sendBytes(ProxyHeaders.v1("192.0.2.30", 1, 2));
            c.expect("500 unknown");
            assertThat(addressOf(c)).startsWith("127.0.0.2:");
        }
    }

    @Test
    void implicitTlsStartsRightAfterTheHeader() throws IOException {
        start(Limits.DEFAULT, ConnectionFilter.ADMIT_ALL, TestTls.SERVER);
        try (Socket plain = new Socket("127.0.0.1", server.port())) {
            plain.getOutputStream().write(ProxyHeaders.v2("192.0.2.40", 4040, 990));
            SSLSocket s = (SSLSocket) TestTls.CLIENT.getSocketFactory().createSocket(plain, "127.0.0.1", server.port(), false);
            s.setSoTimeout(5000);
            s.startHandshake();
            RawClient c = new RawClient(s);
            c.expect("220");
            assertThat(addressOf(c)).isEqualTo("192.0.2.40:4040");
        }
    }
}
