package dev.portico.app;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import dev.portico.core.Settings;
import dev.portico.core.tls.Certificates;
import dev.portico.server.Portico;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestCertificates;
import dev.portico.testing.TestCertificates.Identity;
import dev.portico.testing.TestCertificates.KeyFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code portico tls show}: what it prints is what a TLS client is shown. */
@Timeout(60)
class TlsShowTest {

    @TempDir Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The certificate a STARTTLS client of the SMTP server is shown. */
    private static X509Certificate presentedBySmtp(Settings settings) throws IOException {
        try (Portico p = Portico.start(settings.with(Settings.of("telnet.port", "off", "ftp.port", "off",
                "pop3.port", "off", "imap.port", "off", "smtp.port", "0")));
             RawClient c = new RawClient(p.port("smtp"))) {
            c.expect("220");
            c.send("EHLO client.example");
            c.expect("250");
            c.send("STARTTLS");
            c.expect("220");
            c.startTls(TestCertificates.trustAll());
            return (X509Certificate) ((SSLSocket) c.socket()).getSession().getPeerCertificates()[0];
        }
    }

    private static String field(String output, String name) {
        return output.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).strip())
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + output));
    }

    @Test
    void theGeneratedCertificateIsShownWithTheFingerprintClientsSee() throws Exception {
        Path data = dir.resolve("data");
        Run show = run("tls", "show", "--data", data.toString(), "--set", "domain=mail.example");
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(data.resolve("tls/portico.p12")).exists();   // generated as a start would

        X509Certificate seen = presentedBySmtp(Settings.of("data", data.toString(), "domain", "mail.example"));
        assertThat(field(show.out(), "SHA-256")).isEqualTo(Certificates.sha256(seen));
        assertThat(field(show.out(), "SHA-1")).isEqualTo(Certificates.sha1(seen));
        assertThat(field(show.out(), "subject")).isEqualTo("O=Portico,CN=mail.example");
        assertThat(field(show.out(), "names")).contains("DNS:localhost", "DNS:mail.example");

        Run pem = run("tls", "show", "--pem", "--data", data.toString());
        assertThat(pem.code()).isZero();
        assertThat(pem.out()).startsWith("-----BEGIN CERTIFICATE-----");
        X509Certificate printed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.out().getBytes(StandardCharsets.US_ASCII)));
        assertThat(printed).isEqualTo(seen);
    }

    @Test
    void configuredPemFilesAreShownFromTheSameKeys() throws Exception {
        Path cert = dir.resolve("fullchain.pem"), key = dir.resolve("privkey.pem");
        Identity id = TestCertificates.ec("real.example").write(cert, key, KeyFormat.TRADITIONAL);
        Run show = run("tls", "show", "--data", dir.resolve("data").toString(),
                "--set", "tls.certificate=" + cert, "--set", "tls.key=" + key);
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(field(show.out(), "source")).isEqualTo("certificate " + cert + ", key " + key);
        assertThat(field(show.out(), "SHA-256")).isEqualTo(Certificates.sha256(id.certificate()));
        assertThat(field(show.out(), "names")).isEqualTo("DNS:real.example");
        assertThat(field(show.out(), "issuer")).isEqualTo("CN=real.example");
        assertThat(field(show.out(), "valid until")).isEqualTo(id.certificate().getNotAfter().toInstant().toString());
        assertThat(dir.resolve("data/tls")).doesNotExist();

        Run half = run("tls", "show", "--data", dir.resolve("data").toString(), "--set", "tls.certificate=" + cert);
        assertThat(half.code()).isEqualTo(2);
        assertThat(half.err()).startsWith("portico: tls.certificate: needs tls.key too");
    }
}
