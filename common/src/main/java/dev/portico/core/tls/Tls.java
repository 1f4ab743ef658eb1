package dev.portico.core.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server's TLS identity, shared by every protocol: a PKCS#12 keystore, configured or
 * generated self-signed on first start. Only TLS 1.2 and 1.3 are offered.
 *
 * <p>A keystore is read, and the TLS engine built, when a session first needs them (or when
 * {@link #loadInBackground} runs), never on the way to a listening server: in a freshly started
 * JVM the keystore's password-based encryption and the TLS provider cost several hundred
 * milliseconds, more than everything else a start does. What a start can check cheaply (that a
 * configured keystore is a readable file) it checks at once.
 */
public final class Tls {

    private static final Logger log = LoggerFactory.getLogger(Tls.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** Password of generated keystores; the file's permissions, not this, protect the key. */
    private static final char[] GENERATED_PASSWORD = "portico".toCharArray();

    /** What a session uses, once read. */
    private record Identity(SSLContext context, X509Certificate certificate) {}

    /** Reads (or generates) the identity; runs until it succeeds once. */
    @FunctionalInterface
    private interface Source {
        Identity read() throws IOException;
    }

    private final Source source;
    /** Not {@code synchronized}: a virtual thread waiting on a monitor pins its carrier on Java 21. */
    private final ReentrantLock reading = new ReentrantLock();
    private volatile Identity identity;

    private Tls(Source source) {
        this.source = source;
    }

    private Tls(Identity identity) {
        this.source = () -> identity;
        this.identity = identity;
    }

    /**
     * A PKCS#12 keystore holding one private key and its certificate chain. A missing or
     * unreadable file is refused here; the keystore itself is read on first use, and a wrong
     * password or a broken file fails that use (and {@link #loadInBackground} logs it).
     */
    public static Tls load(Path pkcs12, char[] password) throws IOException {
        if (!Files.isRegularFile(pkcs12) || !Files.isReadable(pkcs12)) {
            throw new IOException("cannot use keystore " + pkcs12 + ": not a readable file");
        }
        char[] pw = password.clone();
        return new Tls(() -> read(pkcs12, pw));
    }

    /**
     * {@code dir/portico.p12}, generated (a self-signed certificate for {@code hostnames}, plus
     * localhost, 127.0.0.1 and ::1) when it does not exist yet, and read, on first use.
     */
    public static Tls selfSigned(Path dir, List<String> hostnames) throws IOException {
        Path file = dir.resolve("portico.p12");
        List<String> names = List.copyOf(hostnames);
        return new Tls(() -> {
            if (!Files.exists(file)) write(dir, file, names);
            return read(file, GENERATED_PASSWORD);
        });
    }

    /** A fresh self-signed identity held only in memory (tests, embedding). */
    public static Tls ephemeral() {
        try {
            return new Tls(fromKeyStore(generate(List.of()), GENERATED_PASSWORD));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a TLS identity", e);
        }
    }

    /**
     * Reads the identity now on a virtual thread, so that the first TLS session does not wait
     * for it and a keystore that cannot be read is reported in the log right after the start.
     */
    public void loadInBackground() {
        if (identity != null) return;
        Thread.ofVirtual().name("tls-load").start(() -> {
            try {
                identity();
            } catch (IOException | RuntimeException e) {
                log.error("TLS is unavailable until this is fixed (each TLS session fails): {}", e.getMessage());
            }
        });
    }

    private Identity identity() throws IOException {
        Identity i = identity;
        if (i != null) return i;
        reading.lock();
        try {
            if (identity == null) identity = source.read();
            return identity;
        } finally {
            reading.unlock();
        }
    }

    private static Identity read(Path pkcs12, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(pkcs12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return fromKeyStore(ks, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException("cannot use keystore " + pkcs12 + ": " + (e.getMessage() != null ? e.getMessage() : e), e);
        }
    }

    private static void write(Path dir, Path file, List<String> hostnames) throws IOException {
        Files.createDirectories(dir);
        KeyStore ks = generate(hostnames);
        Path tmp = Files.createTempFile(dir, "portico", ".p12.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, GENERATED_PASSWORD);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write keystore: " + e.getMessage(), e);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        log.info("generated a self-signed TLS certificate in {}", file);
    }

    private static Identity fromKeyStore(KeyStore ks, char[] password) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
        X509Certificate cert = null;
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) {
                cert = (X509Certificate) ks.getCertificate(alias);
                break;
            }
        }
        if (cert == null) throw new GeneralSecurityException("no private key entry in keystore");
        return new Identity(ctx, cert);
    }

    private static KeyStore generate(List<String> hostnames) throws IOException {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + (hostnames.isEmpty() ? "localhost" : hostnames.get(0)) + ",O=Portico");
            List<GeneralName> names = new ArrayList<>();
            names.add(new GeneralName(GeneralName.dNSName, "localhost"));
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            names.add(new GeneralName(GeneralName.iPAddress, "::1"));
            for (String h : hostnames) {
                if (!h.equals("localhost")) names.add(new GeneralName(GeneralName.dNSName, h));
            }
            var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))),
                    subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("portico", pair.getPrivate(), GENERATED_PASSWORD, new X509Certificate[]{cert});
            return ks;
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** The server's TLS context, reading the keystore first if no one has yet. */
    public SSLContext context() {
        return loaded().context();
    }

    /** The server certificate, so tests and clients can trust exactly it. */
    public X509Certificate certificate() {
        return loaded().certificate();
    }

    private Identity loaded() {
        try {
            return identity();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wraps an accepted plain socket as the server side of TLS, over the same connection. */
    public SSLSocket wrapServer(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) identity().context().getSocketFactory().createSocket(
                plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        s.setUseClientMode(false);
        configure(s);
        return s;
    }

    /** Restricts a socket this server created to TLS 1.2 and 1.3. */
    public void configure(SSLSocket s) {
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        s.setSSLParameters(p);
    }

    /** A client context that trusts this server's certificate and nothing else (tests, benchmarks). */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("portico", certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a client TLS context", e);
        }
    }
}
