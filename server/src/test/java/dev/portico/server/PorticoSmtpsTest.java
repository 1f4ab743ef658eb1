package dev.portico.server;

import dev.portico.core.Settings;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code smtp.implicit-port} alone starts the SMTP server, with its listener named {@code smtps} (RFC 8314). */
@Timeout(30)
class PorticoSmtpsTest {

    @TempDir
    Path data;

    @Test
    void theImplicitTlsListenerAloneStartsSmtp() throws Exception {
        try (Portico portico = Portico.builder(Settings.of("data", data.toString(), "ftp.port", "off", "smtp.port", "off",
                "smtp.implicit-port", "0", "pop3.port", "off", "imap.port", "off", "telnet.port", "off")).tls(TestTls.SERVER).start()) {
            assertThat(portico.listeners()).containsKey("smtps").doesNotContainKeys("smtp", "submission");
            SSLSocket socket = (SSLSocket) TestTls.CLIENT.getSocketFactory()
                    .createSocket("127.0.0.1", portico.listeners().get("smtps").getPort());
            socket.startHandshake();
            try (RawClient c = new RawClient(socket)) {
                c.expect("220 ");
            }
        }
    }
}
