package dev.portico.core.echo;

import dev.portico.core.Limits;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import java.nio.file.Path;
import java.util.Arrays;

@Timeout(20)
class EchoServerTest {

    @TempDir Path dir;

    @Test
    void echoesOverTcpAndUdp() throws IOException {
        TestServices services = TestServices.create(dir);
        try (EchoServer echo = new EchoServer(services.listening(), new InetSocketAddress("127.0.0.1", 0), Limits.DEFAULT).start()) {
            try (RawClient c = new RawClient(echo.port())) {
                c.sendRaw("hello\r\nno line end");
                assertThat(c.readLine()).isEqualTo("hello");
                byte[] big = new byte[200_000];
                for (int i = 0; i < big.length; i++) big[i] = (byte) i;
                c.sendBytes(big);
                byte[] back = c.socket().getInputStream().readNBytes("no line end".length() + big.length);
                assertThat(new String(back, 0, 11, StandardCharsets.UTF_8)).isEqualTo("no line end");
                assertThat(Arrays.copyOfRange(back, 11, back.length)).isEqualTo(big);
            }
            try (DatagramSocket udp = new DatagramSocket()) {
                udp.setSoTimeout(5000);
                byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
                udp.send(new DatagramPacket(ping, ping.length, new InetSocketAddress("127.0.0.1", echo.port())));
                DatagramPacket p = new DatagramPacket(new byte[100], 100);
                udp.receive(p);
                assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII)).isEqualTo("ping");
            }
        }
    }
}
