package dev.portico.server;

import ch.qos.logback.classic.Level;
import dev.portico.core.ConfigException;
import dev.portico.core.Settings;
import dev.portico.core.tls.Certificates;
import dev.portico.core.tls.Tls;
import dev.portico.testing.LogCapture;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestCertificates;
import dev.portico.testing.TestCertificates.Identity;
import dev.portico.testing.TestCertificates.KeyFormat;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real certificate as certbot leaves it, renewed while Portico runs: new connections get the
 * new one within the reload interval, open ones keep theirs, a broken replacement changes nothing
 * but a WARN line. Checked with real TLS clients (STARTTLS on SMTP, Commons Net FTPS).
 */
@Timeout(60)
class TlsReloadTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir Path dir;

    private Settings settings(Path cert, Path key, String... more) {
        Settings s = Settings.of("data", dir.resolve("data").toString(), "telnet.port", "off", "pop3.port", "off", "imap.port", "off",
                "ftp.port", "0", "smtp.port", "0", "tls.certificate", cert.toString(), "tls.key", key.toString(),
                "tls.reload-interval", "100ms");
        return more.length == 0 ? s : s.with(Settings.of(more));
    }

    /** certbot's layout: {@code live/} names are symlinks into {@code archive/}; a renewal writes new files and repoints them. */
    private final class Certbot {
        final Path archive = dir.resolve("archive");
        final Path live = dir.resolve("live");
        final Path cert = live.resolve("fullchain.pem");
        final Path key = live.resolve("privkey.pem");
        int n;

        Certbot issue(Identity id) throws IOException {
            n++;
            Files.createDirectories(archive);
            Files.createDirectories(live);
            Path c = archive.resolve("fullchain" + n + ".pem");
            Path k = archive.resolve("privkey" + n + ".pem");
            id.write(c, k, KeyFormat.TRADITIONAL);
            link(cert, c);
            link(key, k);
            return this;
        }

        private void link(Path link, Path target) throws IOException {
            Path tmp = link.resolveSibling(link.getFileName() + ".new");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, target);
            Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** An SMTP session upgraded with STARTTLS by a client that trusts anything, so the test sees what was presented. */
    private static RawClient smtpTls(int port) throws IOException {
        RawClient c = new RawClient(port);
        c.expect("220");
        c.send("EHLO client.example");
        c.expect("250");
        c.send("STARTTLS");
        c.expect("220");
        return c.startTls(TestCertificates.trustAll());
    }

    private static X509Certificate presented(RawClient c) throws IOException {
        return (X509Certificate) ((SSLSocket) c.socket()).getSession().getPeerCertificates()[0];
    }

    private static X509Certificate smtpCertificate(int port) throws IOException {
        try (RawClient c = smtpTls(port)) {
            return presented(c);
        }
    }

    private static X509Certificate ftpsCertificate(int port) throws IOException {
        AtomicReference<X509Certificate> seen = new AtomicReference<>();
        FTPSClient ftps = new FTPSClient(false);
        ftps.setTrustManager(new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen.set(chain[0]);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        });
        ftps.setConnectTimeout(5000);
        ftps.setDefaultTimeout(5000);
        try {
            ftps.connect("127.0.0.1", port);   // explicit FTPS: AUTH TLS right after the greeting
            assertThat(ftps.sendNoOp()).isTrue();
        } finally {
            if (ftps.isConnected()) ftps.disconnect();
        }
        return seen.get();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + WAIT + ": " + what);
            Thread.sleep(50);
        }
    }

    private static BooleanSupplier presents(int port, X509Certificate expected) {
        return () -> {
            try {
                return smtpCertificate(port).equals(expected);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        };
    }

    @Test
    void aRenewalBySymlinkSwapReachesNewConnectionsWhileOpenOnesKeepTheirs() throws Exception {
        Identity first = TestCertificates.rsa("first.example");
        Identity second = TestCertificates.ec("second.example");
        Certbot certbot = new Certbot().issue(first);
        try (Portico p = Portico.start(settings(certbot.cert, certbot.key))) {
            int smtp = p.port("smtp");
            assertThat(ftpsCertificate(p.port("ftp"))).isEqualTo(first.certificate());
            try (RawClient before = smtpTls(smtp)) {
                assertThat(presented(before)).isEqualTo(first.certificate());

                certbot.issue(second);
                await("the renewed certificate on a new SMTP connection", presents(smtp, second.certificate()));
                assertThat(ftpsCertificate(p.port("ftp"))).isEqualTo(second.certificate());
                assertThat(p.tls().certificate()).isEqualTo(second.certificate());

                // the session opened before goes on, under the certificate it began with
                before.send("EHLO client.example");
                assertThat(before.expect("250")).startsWith("250 ");
                before.send("NOOP");
                before.expect("250");
                assertThat(presented(before)).isEqualTo(first.certificate());
            }
        }
    }

    @Test
    void aBrokenReplacementKeepsTheCertificateWithOneWarningAndTheNextGoodOneIsTaken() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Identity first = TestCertificates.rsa("first.example").write(cert, key, KeyFormat.PKCS8);
        Identity second = TestCertificates.rsa("second.example");
        try (LogCapture logs = LogCapture.of(Level.WARN, Tls.class);
             Portico p = Portico.start(settings(cert, key))) {
            int smtp = p.port("smtp");
            assertThat(smtpCertificate(smtp)).isEqualTo(first.certificate());

            TestCertificates.replace(cert, "-----BEGIN CERTIFICATE-----\nMIIFazCCA1OgAwIBAgIR\n");   // half-written
            await("a WARN naming the broken certificate file", () -> !logs.containing(cert.toString()).isEmpty());
            assertThat(smtpCertificate(smtp)).isEqualTo(first.certificate());

            TestCertificates.replace(cert, second.certificatePem());   // the new certificate, the old key
            await("a WARN naming the key that does not match", () -> !logs.containing(key + ": the key does not belong").isEmpty());
            assertThat(smtpCertificate(smtp)).isEqualTo(first.certificate());
            assertThat(logs.containing(cert.toString() + ": not a PEM certificate chain")).hasSize(1);   // once, not per poll

            TestCertificates.replace(key, second.keyPem(KeyFormat.PKCS8));
            await("the good replacement on a new connection", presents(smtp, second.certificate()));
            assertThat(logs.containing(key + ": the key does not belong")).hasSize(1);
        }
    }

    @Test
    void aReplacedKeystoreIsReloadedToo() throws Exception {
        Path p12 = dir.resolve("server.p12");
        Identity first = TestCertificates.rsa("first.example");
        Identity second = TestCertificates.ec("second.example");
        first.writePkcs12(p12, "secret");
        Settings s = Settings.of("data", dir.resolve("data").toString(), "telnet.port", "off", "pop3.port", "off", "imap.port", "off",
                "ftp.port", "off", "smtp.port", "0", "tls.keystore", p12.toString(), "tls.keystore-password", "secret",
                "tls.reload-interval", "100ms");
        try (Portico p = Portico.start(s)) {
            assertThat(smtpCertificate(p.port("smtp"))).isEqualTo(first.certificate());
            second.writePkcs12(p12, "secret");
            await("the replaced keystore on a new connection", presents(p.port("smtp"), second.certificate()));
        }
    }

    @Test
    void theStartLogsTheIdentityAndWarnsWhenItExpiresWithinTwoWeeks() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Identity soon = TestCertificates.rsa("soon.example", Duration.ofDays(5)).write(cert, key, KeyFormat.PKCS8);
        try (LogCapture logs = LogCapture.of(Level.INFO, Tls.class);
             Portico p = Portico.start(settings(cert, key, "tls.reload-interval", "0"))) {
            assertThat(logs.containing(cert.toString())).anySatisfy(m -> assertThat(m)
                    .contains("using certificate " + cert, "CN=soon.example", Certificates.sha256(soon.certificate())));
            assertThat(logs.containing(cert.toString()).stream().filter(m -> m.contains("expires")))
                    .singleElement().asString().contains("in 4 days");
        }
    }

    @Test
    void theCertificateAndKeyComeTogetherAndUnreadableFilesStopTheStart() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.rsa("a.example").write(cert, key, KeyFormat.PKCS8);
        assertThatThrownBy(() -> Portico.check(Settings.of("tls.certificate", cert.toString())))
                .isInstanceOf(ConfigException.class).hasMessage("tls.certificate: needs tls.key too (the private key of the certificate, in PEM)");
        assertThatThrownBy(() -> Portico.check(Settings.of("tls.key", key.toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("tls.key: needs tls.certificate too");
        assertThatThrownBy(() -> Portico.check(Settings.of("tls.key", key.toString(), "tls.certificate", cert.toString(),
                "tls.keystore", "x.p12"))).isInstanceOf(ConfigException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> Portico.check(Settings.of("tls.reload-interval", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("tls.reload-interval");

        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> Portico.start(settings(cert, missing)))
                .isInstanceOf(IOException.class).hasMessage("cannot use the TLS identity: " + missing + ": no such file");
        assertThatThrownBy(() -> Portico.start(settings(dir, key)))
                .isInstanceOf(IOException.class).hasMessageStartingWith("cannot use the TLS identity: " + dir + ": cannot read it");
    }
}
