package dev.portico.smtp.dkim;

import dev.portico.core.ConfigException;
import dev.portico.core.Settings;
import dev.portico.core.mail.MailDomains;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Dkim}: which domains are signed, and the keys kept under {@code DATA/dkim}. */
class DkimTest {

    @TempDir Path data;

    private static final String MESSAGE = "From: a@example.com\r\nTo: b@example.net\r\nSubject: s\r\n\r\nbody\r\n";

    private final Clock clock = Clock.fixed(Instant.now(), ZoneOffset.UTC);

    private Dkim dkim(String... settings) {
        // One instant for the whole test: a signature carries its time (t=), and two signings that straddle a
        // second's boundary would differ there alone.
        return new Dkim(DkimConfig.from(Settings.of(settings)), Dkim.dir(data), MailDomains.of("example.com", "example.org"),
                clock);
    }

    private static Optional<String> sign(Dkim dkim, String domain) throws IOException {
        return dkim.sign(domain, new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] prepend(String header) {
        return (header + MESSAGE).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theKeyIsGeneratedOnFirstUseOwnerOnlyAndKeptForTheNextStart() throws IOException {
        Dkim first = dkim();
        assertThat(first.domains()).containsExactly("example.com", "example.org");
        assertThat(data.resolve("dkim")).doesNotExist();   // nothing at start-up
        String header = sign(first, "example.com").orElseThrow();
        assertThat(header).contains("a=rsa-sha256;").contains("d=example.com;").contains("s=portico;");

        Path file = data.resolve("dkim/example.com.portico.key");
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(data.resolve("dkim/example.org.portico.key")).doesNotExist();   // only the domain that sent

        DkimRecord record = first.key("example.com").record("example.com", first.selector());
        assertThat(record.name()).isEqualTo("portico._domainkey.example.com.");
        assertThat(IndependentVerifiers.jdkim(prepend(header), record.value())).isTrue();
        // a second start reads the same key: what was published stays valid
        Dkim second = dkim();
        assertThat(second.key("example.com").record("example.com", "portico")).isEqualTo(record);
        assertThat(IndependentVerifiers.jdkim(prepend(sign(second, "example.com").orElseThrow()), record.value())).isTrue();
    }

    @Test
    void onlyTheSigningDomainsAreSigned() throws IOException {
        Dkim dkim = dkim();
        assertThat(sign(dkim, "example.net")).isEmpty();
        assertThat(sign(dkim, null)).isEmpty();
        assertThat(data.resolve("dkim")).doesNotExist();
        assertThat(sign(dkim, "EXAMPLE.org.").orElseThrow()).contains("d=example.org;");

        Dkim named = dkim("dkim.domains", "mail.example.net, Example.Net.", "dkim.selector", "s2026");
        assertThat(named.domains()).containsExactly("mail.example.net", "example.net");
        assertThat(sign(named, "example.com")).isEmpty();
        assertThat(sign(named, "example.net").orElseThrow()).contains("s=s2026;");
        assertThat(data.resolve("dkim/example.net.s2026.key")).exists();

        Dkim off = dkim("dkim.domains", "off");
        assertThat(off.domains()).isEmpty();
        assertThat(sign(off, "example.com")).isEmpty();
    }

    @Test
    void aMessageFileIsSignedAsItsStreamIs() throws IOException {
        Dkim dkim = dkim("dkim.algorithm", "ed25519-sha256");
        Path file = data.resolve("message.eml");
        Files.writeString(file, MESSAGE);
        String fromFile = dkim.sign("example.com", file).orElseThrow();
        assertThat(fromFile).contains("a=ed25519-sha256;");
        // ed25519 signatures are deterministic: the same bytes, the same field
        assertThat(sign(dkim, "example.com")).contains(fromFile);
        assertThat(dkim.sign("example.net", data.resolve("no such file"))).isEmpty();
    }

    @Test
    void badSettingsNameTheirKey() {
        assertThatThrownBy(() -> DkimConfig.from(Settings.of("dkim.selector", "a/b"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dkim.selector:");
        assertThatThrownBy(() -> DkimConfig.from(Settings.of("dkim.selector", "-x"))).hasMessageStartingWith("dkim.selector:");
        assertThatThrownBy(() -> DkimConfig.from(Settings.of("dkim.algorithm", "rsa-sha1"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dkim.algorithm:");
        assertThatThrownBy(() -> DkimConfig.from(Settings.of("dkim.domains", "example.com, ../etc")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("dkim.domains:");
        assertThat(DkimConfig.from(Settings.empty())).isEqualTo(new DkimConfig("portico", DkimAlgorithm.RSA_SHA256, null));
    }

    @Test
    void theKeyFileDecidesTheAlgorithmAndMayBeAnOpendkimKey() throws Exception {
        // opendkim-genkey writes PKCS#1 ("BEGIN RSA PRIVATE KEY"): a key moved over from it keeps working
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(pair);
        }
        assertThat(pem.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        Files.createDirectories(data.resolve("dkim"));
        Files.writeString(data.resolve("dkim/example.com.portico.key"), pem.toString());

        Dkim dkim = dkim("dkim.algorithm", "ed25519-sha256");
        String header = sign(dkim, "example.com").orElseThrow();
        assertThat(header).contains("a=rsa-sha256;");
        String record = "v=DKIM1; k=rsa; p=" + java.util.Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        assertThat(dkim.key("example.com").record("example.com", "portico").value()).isEqualTo(record);
        assertThat(IndependentVerifiers.jdkim(prepend(header), record)).isTrue();
    }

    @Test
    void rfc8032sTestKeyGivesRfc8463sKeyRecord() throws IOException {
        // RFC 8463 Appendix A signs with RFC 8032 7.1's first key and publishes its public half
        byte[] seed = java.util.Base64.getDecoder().decode("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
        byte[] pkcs8 = java.util.HexFormat.of().parseHex("302e020100300506032b657004220420" + java.util.HexFormat.of().formatHex(seed));
        Files.createDirectories(data.resolve("dkim"));
        Files.writeString(data.resolve("dkim/football.example.com.brisbane.key"), "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getEncoder().encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n");
        Dkim dkim = dkim("dkim.selector", "brisbane", "dkim.domains", "football.example.com");
        DkimRecord record = dkim.key("football.example.com").record("football.example.com", "brisbane");
        assertThat(record).isEqualTo(new DkimRecord("brisbane._domainkey.football.example.com.",
                "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
        assertThat(dkim.sign("football.example.com", new ByteArrayInputStream(
                DkimSignerTest.RFC_6376_A.getBytes(StandardCharsets.US_ASCII))).orElseThrow()).contains("a=ed25519-sha256;");
    }

    @Test
    void aKeyFileThatIsNoKeyIsAnError() throws IOException {
        Files.createDirectories(data.resolve("dkim"));
        Files.writeString(data.resolve("dkim/example.com.portico.key"), "not a key\n");
        assertThatThrownBy(() -> sign(dkim(), "example.com")).isInstanceOf(IOException.class)
                .hasMessageContaining("example.com.portico.key");
    }

    @Test
    void messagesRacingToTheFirstUseShareOneKey() throws Exception {
        Dkim dkim = dkim();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> signed = new ArrayList<>();
            Callable<String> task = () -> sign(dkim, "example.com").orElseThrow();
            for (int i = 0; i < 6; i++) signed.add(pool.submit(task));
            String record = null;
            for (Future<String> f : signed) {
                String header = f.get(60, TimeUnit.SECONDS);
                if (record == null) record = dkim.key("example.com").record("example.com", "portico").value();
                assertThat(IndependentVerifiers.jdkim(prepend(header), record)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(data.resolve("dkim"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("example.com.portico.key");
        }
    }
}
