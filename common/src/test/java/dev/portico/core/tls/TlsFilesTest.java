package dev.portico.core.tls;

import ch.qos.logback.classic.Level;
import dev.portico.testing.LogCapture;
import dev.portico.testing.TestCertificates;
import dev.portico.testing.TestCertificates.Identity;
import dev.portico.testing.TestCertificates.KeyFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PEM files as certbot writes them, read, checked and replaced; each checked by a real handshake. */
class TlsFilesTest {

    @TempDir Path dir;

    private Path cert() {
        return dir.resolve("fullchain.pem");
    }

    private Path key() {
        return dir.resolve("privkey.pem");
    }

    @ParameterizedTest(name = "{0} key in {1}")
    @CsvSource({"RSA, PKCS8", "RSA, TRADITIONAL", "EC, PKCS8", "EC, TRADITIONAL"})
    void readsTheKeyFormatsCertbotWrites(String algorithm, KeyFormat format) throws Exception {
        Identity id = (algorithm.equals("EC") ? TestCertificates.ec("ec.example") : TestCertificates.rsa("rsa.example"))
                .write(cert(), key(), format);
        Tls tls = Tls.pem(cert(), key());
        assertThat(tls.certificate()).isEqualTo(id.certificate());
        assertThat(presented(tls)).isEqualTo(id.certificate());
        assertThat(tls.origin()).contains(cert().toString(), key().toString());
        assertThat(Files.readString(key())).startsWith(format == KeyFormat.PKCS8 ? "-----BEGIN PRIVATE KEY-----"
                : "-----BEGIN " + algorithm + " PRIVATE KEY-----");
    }

    @Test
    void aFullChainIsPresentedLeafFirst() throws Exception {
        Identity intermediate = TestCertificates.ec("Test Intermediate");
        Identity leaf = TestCertificates.rsa("mail.example", intermediate);
        Files.writeString(cert(), leaf.certificatePem() + intermediate.certificatePem());
        Files.writeString(key(), leaf.keyPem(KeyFormat.PKCS8));
        Tls tls = Tls.pem(cert(), key());
        assertThat(tls.chain()).containsExactly(leaf.certificate(), intermediate.certificate());
        assertThat(presented(tls)).isEqualTo(leaf.certificate());

        Files.writeString(cert(), intermediate.certificatePem() + leaf.certificatePem());   // the wrong way round
        Files.writeString(key(), intermediate.keyPem(KeyFormat.PKCS8));
        assertThatThrownBy(() -> Tls.pem(cert(), key())).hasMessageContaining("leaf first");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingTheKeyFile() throws Exception {
        Files.writeString(cert(), TestCertificates.rsa("a.example").certificatePem());
        Files.writeString(key(), TestCertificates.rsa("b.example").keyPem(KeyFormat.PKCS8));
        assertThatThrownBy(() -> Tls.pem(cert(), key())).isInstanceOf(IOException.class)
                .hasMessageContaining(key().toString()).hasMessageContaining("does not belong to the certificate");
        Files.writeString(key(), TestCertificates.ec("c.example").keyPem(KeyFormat.TRADITIONAL));   // another type, too
        assertThatThrownBy(() -> Tls.pem(cert(), key())).hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void garbageAndMissingFilesAreRefusedNamingTheFile() throws Exception {
        Identity id = TestCertificates.rsa("a.example").write(cert(), key(), KeyFormat.PKCS8);
        Files.writeString(cert(), "-----BEGIN CERTIFICATE-----\nMIIB\n");   // half-written
        assertThatThrownBy(() -> Tls.pem(cert(), key())).hasMessageContaining(cert().toString());
        Files.writeString(cert(), "not a certificate at all\n");
        assertThatThrownBy(() -> Tls.pem(cert(), key())).hasMessageContaining(cert() + ": no PEM certificate");
        Files.writeString(cert(), id.certificatePem());
        Files.writeString(key(), id.certificatePem());
        assertThatThrownBy(() -> Tls.pem(cert(), key())).hasMessageContaining(key() + ": no PEM private key");
        assertThatThrownBy(() -> Tls.pem(cert(), dir.resolve("missing.pem")))
                .hasMessageContaining(dir.resolve("missing.pem") + ": no such file");
    }

    @Test
    void aReplacementIsPresentedAfterReloadAndABrokenOneKeepsTheOldWithOneWarning() throws Exception {
        Identity first = TestCertificates.rsa("first.example").write(cert(), key(), KeyFormat.TRADITIONAL);
        Tls tls = Tls.pem(cert(), key());
        assertThat(tls.reload()).isFalse();   // unchanged

        try (LogCapture logs = LogCapture.of(Level.WARN, Tls.class)) {
            Identity second = TestCertificates.ec("second.example");
            TestCertificates.replace(cert(), second.certificatePem());   // the key not yet written: a mismatch
            assertThat(tls.reload()).isFalse();
            assertThat(tls.reload()).isFalse();
            assertThat(presented(tls)).isEqualTo(first.certificate());
            assertThat(logs.containing(key().toString())).hasSize(1).allMatch(m -> m.contains("does not belong"));

            TestCertificates.replace(key(), second.keyPem(KeyFormat.TRADITIONAL));
            assertThat(tls.reload()).isTrue();
            assertThat(presented(tls)).isEqualTo(second.certificate());
            assertThat(tls.certificate()).isEqualTo(second.certificate());
        }
    }

    @Test
    void aWatchPicksUpAChangedFileAndStopsOnClose() throws Exception {
        TestCertificates.rsa("first.example").write(cert(), key(), KeyFormat.PKCS8);
        Tls tls = Tls.pem(cert(), key());
        Identity second = TestCertificates.ec("second.example");
        try (var watch = tls.watch(java.time.Duration.ofMillis(50))) {
            second.write(cert(), key(), KeyFormat.PKCS8);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!tls.certificate().equals(second.certificate()) && System.nanoTime() < deadline) Thread.sleep(20);
        }
        assertThat(presented(tls)).isEqualTo(second.certificate());
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("portico-tls-reload"));
    }

    @Test
    void fingerprintsAreTheColonHexBrowsersShow() throws Exception {
        X509Certificate c = TestCertificates.rsa("a.example").certificate();
        String sha256 = java.util.HexFormat.of().withUpperCase().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        assertThat(Certificates.sha256(c).replace(":", "")).isEqualTo(sha256);
        assertThat(Certificates.sha256(c)).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(Certificates.sha1(c)).matches("([0-9A-F]{2}:){19}[0-9A-F]{2}");
        assertThat(Certificates.alternativeNames(c)).containsExactly("DNS:a.example");
        assertThat(Certificates.pem(c)).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
    }

    /** The certificate a client is shown in a real handshake with {@code tls}. */
    static X509Certificate presented(Tls tls) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket plain = listener.accept(); SSLSocket s = tls.wrapServer(plain)) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    s.getOutputStream().write('x');
                    s.getOutputStream().flush();
                    s.getInputStream().read();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofPlatform().daemon().start(r));   // not the common pool: it has one worker on 2 cores, which a concurrent test may hold
            try (SSLSocket c = (SSLSocket) TestCertificates.trustAll().getSocketFactory()
                    .createSocket(listener.getInetAddress(), listener.getLocalPort())) {
                c.setSoTimeout(10_000);
                c.startHandshake();
                assertThat(c.getInputStream().read()).isEqualTo('x');
                X509Certificate seen = (X509Certificate) c.getSession().getPeerCertificates()[0];
                c.close();
                server.get(10, TimeUnit.SECONDS);
                return seen;
            }
        }
    }
}
