package dev.portico.testing;

import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Certificates and keys as a CA and certbot would leave them on disk, made fresh per test with
 * BouncyCastle: RSA or EC, a chosen name and lifetime, the key in PKCS#8 or the traditional
 * PKCS#1 / SEC1 PEM. And a client that trusts anything, so a test can look at the certificate the
 * server presented instead of failing on it.
 */
public final class TestCertificates {

    /** How the private key is written: {@code BEGIN PRIVATE KEY}, or {@code BEGIN RSA/EC PRIVATE KEY}. */
    public enum KeyFormat { PKCS8, TRADITIONAL }

    /** A key pair and its self-signed certificate. */
    public record Identity(KeyPair keys, X509Certificate certificate) {

        public String certificatePem() throws IOException {
            return pem(certificate);
        }

        public String keyPem(KeyFormat format) throws IOException {
            if (format == KeyFormat.PKCS8) return pem(new JcaPKCS8Generator(keys.getPrivate(), null));
            if (keys.getPrivate() instanceof ECPrivateKey ec) {
                // As openssl and certbot write SEC1: with the curve and the public key, which the
                // JDK's own encoding leaves to the PKCS#8 wrapper.
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(ec.getEncoded());
                byte[] point = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes();
                var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
                        new DERBitString(point), info.getPrivateKeyAlgorithm().getParameters());
                return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            }
            return pem(keys.getPrivate());   // RSA: PKCS#1
        }

        /** Writes a PKCS#12 keystore holding the key and certificate (replacing it atomically). */
        public Identity writePkcs12(Path file, String password) throws IOException {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("server", keys.getPrivate(), password.toCharArray(), new X509Certificate[]{certificate});
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".new", ".tmp");
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    ks.store(out, password.toCharArray());
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return this;
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
        }

        /** Writes the certificate and key files (replacing them atomically, as a careful renewal does). */
        public Identity write(Path certFile, Path keyFile, KeyFormat format) throws IOException {
            replace(certFile, certificatePem());
            replace(keyFile, keyPem(format));
            return this;
        }
    }

    private TestCertificates() {}

    public static Identity rsa(String name) {
        return make("RSA", name, Duration.ofDays(90));
    }

    public static Identity ec(String name) {
        return make("EC", name, Duration.ofDays(90));
    }

    /** An RSA identity valid from yesterday for {@code lifetime} from now. */
    public static Identity rsa(String name, Duration lifetime) {
        return make("RSA", name, lifetime);
    }

    /** An RSA identity for {@code name} issued by {@code issuer}: with it, a fullchain of two. */
    public static Identity rsa(String name, Identity issuer) {
        return make("RSA", name, Duration.ofDays(90), issuer);
    }

    private static Identity make(String algorithm, String name, Duration lifetime) {
        return make(algorithm, name, lifetime, null);
    }

    private static Identity make(String algorithm, String name, Duration lifetime, Identity issuer) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) gen.initialize(new ECGenParameterSpec("secp256r1"));
            else gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + name);
            X500Name issuerName = issuer == null ? subject
                    : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
            var builder = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(lifetime)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
            KeyPair signer = issuer == null ? pair : issuer.keys();
            String signature = signer.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(signature).build(signer.getPrivate())));
            return new Identity(pair, cert);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    public static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o);
        }
        return w.toString();
    }

    /** Writes {@code file} whole through a temporary file and a rename: no reader sees it half-written. */
    public static void replace(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".new", ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A client context that accepts any server certificate: the test reads the certificate from the session. */
    public static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
