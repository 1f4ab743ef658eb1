package dev.portico.core.tls;

import ch.qos.logback.classic.Level;
import dev.portico.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The identity a start does not wait for: generated or read on first use, its failures on that use. */
@Timeout(60)
class TlsTest {

    @TempDir Path dir;

    @Test
    void theSelfSignedKeystoreIsWrittenOnFirstUseAndReadAgainByTheNextStart() throws Exception {
        Path tlsDir = dir.resolve("tls");
        Tls first = Tls.selfSigned(tlsDir, List.of("mail.example"));
        assertThat(tlsDir.resolve("portico.p12")).doesNotExist();   // nothing generated on the way to listening

        assertThat(first.certificate().getSubjectX500Principal().getName()).contains("CN=mail.example");
        assertThat(tlsDir.resolve("portico.p12")).exists();
        Tls again = Tls.selfSigned(tlsDir, List.of("mail.example"));
        assertThat(again.certificate()).isEqualTo(first.certificate());
        assertThat(handshake(again)).isEqualTo("TLSv1.3");
    }

    @Test
    void aMissingConfiguredKeystoreStopsTheStart() {
        assertThatThrownBy(() -> Tls.load(dir.resolve("nope.p12"), "pw".toCharArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("nope.p12");
    }

    @Test
    void aGeneratedKeystoreThatCannotBeReadFailsItsFirstUseAndIsLogged() throws Exception {
        // the generated identity is read lazily; a configured one is read (and refused) at once
        Path tlsDir = Files.createDirectories(dir.resolve("broken-keystore.p12-dir"));
        Files.writeString(tlsDir.resolve("portico.p12"), "not a keystore");
        Tls tls = Tls.selfSigned(tlsDir, List.of("mail.example"));
        try (LogCapture logs = LogCapture.of(Level.ERROR, Tls.class)) {
            tls.loadInBackground();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (logs.containing("broken-keystore.p12-dir").isEmpty() && System.nanoTime() < until) Thread.sleep(20);
            assertThat(logs.containing("broken-keystore.p12-dir")).singleElement().asString().contains("cannot use keystore");
        }
        try (Socket plain = new Socket()) {
            assertThatThrownBy(() -> tls.wrapServer(plain)).isInstanceOf(IOException.class)
                    .hasMessageContaining("broken-keystore.p12-dir");
        }
    }

    /** One TLS handshake against {@code tls} over loopback; returns the protocol the server negotiated. */
    private static String handshake(Tls tls) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept(); SSLSocket ssl = tls.wrapServer(s)) {
                    ssl.setSoTimeout(10_000);
                    ssl.startHandshake();
                    InputStream in = ssl.getInputStream();
                    in.read();
                    return ssl.getSession().getProtocol();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofPlatform().daemon().start(r));   // not the common pool: it has one worker on 2 cores, which a concurrent test may hold
            try (SSLSocket client = (SSLSocket) tls.clientContext().getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                client.setSoTimeout(10_000);
                client.startHandshake();
                OutputStream out = client.getOutputStream();
                out.write('x');
                out.flush();
                return served.get(20, TimeUnit.SECONDS);
            }
        }
    }
}
