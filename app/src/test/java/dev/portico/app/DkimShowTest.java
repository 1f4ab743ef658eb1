package dev.portico.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code portico dkim show}: the DNS records it prints publish the keys that sign. */
@Timeout(60)
class DkimShowTest {

    @TempDir Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static final Pattern ZONE_LINE = Pattern.compile("(\\S+) IN TXT ((?:\"[^\"]{1,255}\" ?)+)");
    private static final Pattern STRING = Pattern.compile("\"([^\"]*)\"");

    /** The record names and their values (the TXT strings joined), in the order printed. */
    private static Map<String, String> records(String output) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            if (line.startsWith(";")) continue;   // zone file comments
            Matcher m = ZONE_LINE.matcher(line);
            assertThat(m.matches()).as("a zone file TXT line: " + line).isTrue();
            StringBuilder value = new StringBuilder();
            Matcher s = STRING.matcher(m.group(2));
            while (s.find()) value.append(s.group(1));
            out.put(m.group(1), value.toString());
        }
        return out;
    }

    private static Map<String, String> tags(String value) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String t : value.split(";")) {
            int eq = t.indexOf('=');
            tags.put(t.substring(0, eq).strip(), t.substring(eq + 1).strip());
        }
        return tags;
    }

    /** The key file read with the JDK alone: PEM armour off, PKCS#8 in. */
    private static PrivateKey keyFile(Path file, String algorithm) throws Exception {
        String pem = Files.readString(file);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        String base64 = pem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static boolean pairs(PrivateKey key, PublicKey pub, String algorithm) throws Exception {
        byte[] data = "a message".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(algorithm);
        s.initSign(key);
        s.update(data);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(algorithm);
        v.initVerify(pub);
        v.update(data);
        return v.verify(sig);
    }

    @Test
    void rsaRecordsPublishTheGeneratedKeysAndStayTheSame() throws Exception {
        Path data = dir.resolve("data");
        Run show = run("dkim", "show", "--data", data.toString(), "--set", "domain=mail.example,example.org");
        assertThat(show.code()).as(show.err()).isZero();
        Map<String, String> records = records(show.out());
        assertThat(records).containsOnlyKeys("portico._domainkey.mail.example.", "portico._domainkey.example.org.");
        assertThat(show.out()).contains("; mail.example: rsa-sha256, key " + data.resolve("dkim/mail.example.portico.key"));

        Map<String, String> tags = tags(records.get("portico._domainkey.mail.example."));
        assertThat(tags).containsEntry("v", "DKIM1").containsEntry("k", "rsa");
        RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(tags.get("p"))));
        assertThat(pub.getModulus().bitLength()).isEqualTo(2048);
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) keyFile(data.resolve("dkim/mail.example.portico.key"), "RSA");
        assertThat(key.getModulus()).isEqualTo(pub.getModulus());
        assertThat(pairs(key, pub, "SHA256withRSA")).isTrue();
        // an RSA 2048 record is longer than one TXT string: cut in two, as resolvers join them
        assertThat(show.out().lines().filter(l -> l.startsWith("portico._domainkey.mail.example."))
                .findFirst().orElseThrow()).matches(".* IN TXT \"v=DKIM1; k=rsa; p=[^\"]{237}\" \"[^\"]+\"");

        Run again = run("dkim", "show", "--data", data.toString(), "--set", "domain=mail.example,example.org");
        assertThat(again.out()).isEqualTo(show.out());
    }

    @Test
    void ed25519RecordsCarryTheBarePublicKey() throws Exception {
        Path data = dir.resolve("data");
        Run show = run("dkim", "show", "--data", data.toString(), "--set", "dkim.domains=example.net",
                "--set", "dkim.algorithm=ed25519-sha256", "--set", "dkim.selector=ed");
        assertThat(show.code()).as(show.err()).isZero();
        String value = records(show.out()).get("ed._domainkey.example.net.");
        Map<String, String> tags = tags(value);
        assertThat(tags).containsEntry("k", "ed25519");
        byte[] raw = Base64.getDecoder().decode(tags.get("p"));
        assertThat(raw).hasSize(32);   // RFC 8463 4: the key itself, not a SubjectPublicKeyInfo
        // the X.509 form is RFC 8410's fixed prefix before those 32 octets
        byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(raw));
        PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        assertThat(pairs(keyFile(data.resolve("dkim/example.net.ed.key"), "Ed25519"), pub, "Ed25519")).isTrue();
    }

    @Test
    void offBadKeysAndTheGroup() {
        Run off = run("dkim", "show", "--data", dir.toString(), "--set", "dkim.domains=off");
        assertThat(off.code()).isZero();
        assertThat(off.out()).isEqualTo("; DKIM signing is off (dkim.domains=off)" + System.lineSeparator());
        assertThat(dir.resolve("dkim")).doesNotExist();

        Run bad = run("dkim", "show", "--data", dir.toString(), "--set", "dkim.selctor=x");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("portico: ").contains("dkim.selctor");

        Run group = run("dkim");
        assertThat(group.code()).isZero();
        assertThat(group.out()).contains("The DKIM signing keys.").contains("dkim show");
        assertThat(List.of(run("--help").out().split("\n"))).anySatisfy(l -> assertThat(l).contains("dkim").contains("show"));
    }
}
