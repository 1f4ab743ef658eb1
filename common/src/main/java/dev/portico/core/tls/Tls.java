package dev.portico.core.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server's TLS identity, shared by every protocol: a PEM certificate chain and key, a PKCS#12
 * keystore, or one generated self-signed on first start. Only TLS 1.2 and 1.3 are offered.
 *
 * <p>An identity read from files can be replaced while the servers run ({@link #reload}, polled by
 * {@link #watch}): the swap is one volatile write, every handshake reads the identity once, so a new
 * connection gets the new certificate and a running one keeps the one it has.
 *
 * <p>The generated identity, the default, is read (or generated, on a first start) when a session
 * first needs it or when {@link #loadInBackground} runs, never on the way to a listening server:
 * in a freshly started JVM the keystore's password-based encryption and the TLS provider cost
 * several hundred milliseconds, more than everything else a start does. Configured files are read
 * at once, so a wrong path or a broken certificate stops the start instead of every session.
 */
public final class Tls {

    private static final Logger log = LoggerFactory.getLogger(Tls.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** Password of generated keystores; the file's permissions, not this, protect the key. */
    private static final char[] GENERATED_PASSWORD = "portico".toCharArray();
    /** Warn at start and on reload when the certificate ends sooner than this. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(14);
    /** Larger files are not a certificate or key someone meant (a wrong path): refused before reading. */
    private static final long MAX_FILE = 1 << 20;
    /** Identities replaced recently, kept so FTP data connections can resume their control connection's session. */
    private static final int PAST_KEPT = 4;

    /** What one handshake presents: the context holding the key, and the chain, leaf first. */
    private record Identity(SSLContext context, List<X509Certificate> chain, String origin) {
        X509Certificate leaf() {
            return chain.get(0);
        }
    }

    /** Files an identity is read from, and how their contents become one; {@code prepare} first writes them if needed. */
    private record Source(List<Path> files, Parser parser, Prepare prepare) {
        Source(List<Path> files, Parser parser) {
            this(files, parser, null);
        }

        List<byte[]> read() throws IOException {
            if (prepare != null) prepare.run();
            List<byte[]> contents = new ArrayList<>();
            for (Path f : files) contents.add(readFile(f));
            return contents;
        }
    }

    @FunctionalInterface
    private interface Prepare {
        void run() throws IOException;
    }

    @FunctionalInterface
    private interface Parser {
        Identity parse(List<byte[]> contents) throws IOException;
    }

    /** Null until a lazily read identity is first needed ({@link #now}). */
    private volatile Identity current;
    /** Not {@code synchronized}: a virtual thread waiting on a monitor pins its carrier on Java 21. */
    private final ReentrantLock firstRead = new ReentrantLock();
    /** Null for an identity that cannot change (generated in memory). */
    private final Source source;
    /** Guarded by this: the digest of the contents last tried, the last problem logged, the replaced identities. */
    private byte[] seen;
    private String problem;
    private final Deque<Identity> past = new ArrayDeque<>();

    private Tls(Identity identity, Source source, byte[] seen) {
        this.current = identity;
        this.source = source;
        this.seen = seen;
    }

    /**
     * Reads a PEM certificate chain (leaf first, as Let's Encrypt's {@code fullchain.pem}) and its
     * private key (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted, as certbot writes them).
     */
    public static Tls pem(Path certificate, Path key) throws IOException {
        return open(new Source(List.of(certificate, key), c -> fromPem(certificate, c.get(0), key, c.get(1))));
    }

    /** Loads a PKCS#12 keystore holding one private key and its certificate chain. */
    public static Tls load(Path pkcs12, char[] password) throws IOException {
        char[] pw = password.clone();
        return open(new Source(List.of(pkcs12), c -> fromPkcs12(pkcs12, c.get(0), pw, "keystore " + pkcs12, true)));
    }

    /**
     * Loads {@code dir/portico.p12}, generating a self-signed certificate for {@code hostnames}
     * (plus localhost, 127.0.0.1 and ::1) there first when it does not exist.
     */
    public static Tls selfSigned(Path dir, List<String> hostnames) throws IOException {
        Path file = dir.resolve("portico.p12");
        List<String> names = List.copyOf(hostnames);
        Source source = new Source(List.of(file),
                c -> fromPkcs12(file, c.get(0), GENERATED_PASSWORD, "keystore " + file + " (generated, self-signed)", false),
                () -> {
                    if (!Files.exists(file)) generateInto(dir, file, names);
                });
        return new Tls(null, source, null);
    }

    private static void generateInto(Path dir, Path file, List<String> hostnames) throws IOException {
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

    /** A fresh self-signed identity held only in memory (tests, embedding). */
    public static Tls ephemeral() {
        try {
            KeyStore ks = generate(List.of());
            String alias = keyAlias(ks);
            PrivateKey key = (PrivateKey) ks.getKey(alias, GENERATED_PASSWORD);
            return new Tls(identity(key, chainOf(ks, alias), "in memory (self-signed)"), null, null);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a TLS identity", e);
        }
    }

    private static Tls open(Source source) throws IOException {
        List<byte[]> contents = source.read();
        return new Tls(source.parser().parse(contents), source, digest(contents));
    }

    // ---- reading --------------------------------------------------------------------------------

    private static byte[] readFile(Path f) throws IOException {
        try {
            if (Files.size(f) > MAX_FILE) throw new IOException(f + ": larger than " + MAX_FILE + " bytes, not a certificate or key");
            return Files.readAllBytes(f);   // follows symlinks: certbot's live/ names point into archive/
        } catch (NoSuchFileException e) {
            throw new IOException(f + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException(f + ": not readable by this user (make it readable by the user Portico runs as)", e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(f.toString())) throw e;
            throw new IOException(f + ": cannot read it: " + reason(e), e);
        }
    }

    private static Identity fromPem(Path certFile, byte[] certPem, Path keyFile, byte[] keyPem) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        try (PEMParser p = parser(certPem)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o; (o = p.readObject()) != null; ) {
                if (o instanceof X509CertificateHolder h) chain.add(converter.getCertificate(h));
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IOException(certFile + ": not a PEM certificate chain (" + reason(e) + ")", e);
        }
        if (chain.isEmpty()) throw new IOException(certFile + ": no PEM certificate in it");
        try (PEMParser p = parser(keyPem)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o; key == null && (o = p.readObject()) != null; ) {
                // SEC1 may leave out the public key, so only the private half is converted
                if (o instanceof PEMKeyPair pair) key = converter.getPrivateKey(pair.getPrivateKeyInfo());   // PKCS#1, SEC1
                else if (o instanceof PrivateKeyInfo info) key = converter.getPrivateKey(info);             // PKCS#8
                else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IOException("the key is encrypted; Portico reads unencrypted keys, protected by the file's permissions");
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(keyFile + ": not a usable PEM private key (" + reason(e) + ")", e);
        }
        if (key == null) throw new IOException(keyFile + ": no PEM private key in it (PKCS#8, PKCS#1 RSA or SEC1 EC)");
        try {
            requireMatch(key, chain.get(0));
        } catch (GeneralSecurityException e) {
            throw new IOException(keyFile + ": the key does not belong to the certificate in " + certFile + " (" + reason(e) + ")", e);
        }
        try {
            return identity(key, chain, "certificate " + certFile + ", key " + keyFile);
        } catch (GeneralSecurityException e) {
            throw new IOException(certFile + ": cannot use it: " + reason(e), e);
        }
    }

    private static PEMParser parser(byte[] pem) {
        return new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII));
    }

    /** @param checkPair whether to prove the key belongs to the certificate: not for the one written here, to keep the start fast */
    private static Identity fromPkcs12(Path file, byte[] content, char[] password, String origin, boolean checkPair)
            throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(content), password);
            String alias = keyAlias(ks);
            PrivateKey key = (PrivateKey) ks.getKey(alias, password);
            List<X509Certificate> chain = chainOf(ks, alias);
            if (checkPair) requireMatch(key, chain.get(0));
            return identity(key, chain, origin);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IOException("cannot use keystore " + file + ": " + reason(e), e);
        }
    }

    private static String keyAlias(KeyStore ks) throws GeneralSecurityException {
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) return alias;
        }
        throw new GeneralSecurityException("no private key entry in keystore");
    }

    private static List<X509Certificate> chainOf(KeyStore ks, String alias) throws GeneralSecurityException {
        Certificate[] chain = ks.getCertificateChain(alias);
        if (chain == null || chain.length == 0) throw new GeneralSecurityException("no certificate with the key");
        return Arrays.stream(chain).map(X509Certificate.class::cast).toList();
    }

    /**
     * Fails unless {@code key} is the private half of the certificate's public key: a signature made
     * with it must verify, so a renewal that wrote a new certificate but not yet its key is refused.
     */
    private static void requireMatch(PrivateKey key, X509Certificate leaf) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448" -> key.getAlgorithm();
            case "EdDSA" -> "EdDSA";
            default -> throw new GeneralSecurityException("unsupported key type " + key.getAlgorithm());
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        Signature sign = Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(challenge);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(algorithm);
        try {
            verify.initVerify(leaf.getPublicKey());
            verify.update(challenge);
            if (verify.verify(signature)) return;
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: a mismatch as well
        }
        throw new GeneralSecurityException("its public key differs from the certificate's");
    }

    private static Identity identity(PrivateKey key, List<X509Certificate> chain, String origin) throws GeneralSecurityException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            try {
                ks.setKeyEntry("portico", key, GENERATED_PASSWORD, chain.toArray(X509Certificate[]::new));
            } catch (KeyStoreException e) {
                throw new GeneralSecurityException("the certificates are not one chain, leaf first, each issued by the next ("
                        + e.getMessage() + ")", e);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, GENERATED_PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            return new Identity(ctx, List.copyOf(chain), origin);
        } catch (IOException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static byte[] digest(List<byte[]> contents) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (byte[] c : contents) {
                d.update(c);
                d.update(new byte[]{0});   // a byte moved from one file to the other is a change too
            }
            return d.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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

    // ---- reloading ------------------------------------------------------------------------------

    /**
     * Reads the files again and, when their content changed and makes a usable identity, presents
     * it to every new handshake. A file that cannot be read, parsed, or whose key does not match
     * the certificate keeps the current identity and logs one WARN line naming the file and why
     * (once per problem: the next poll of the same broken content is silent); a later good
     * content is taken.
     *
     * @return whether new handshakes now present a new identity
     */
    public synchronized boolean reload() {
        if (source == null) return false;
        if (current == null) return false;   // never read yet: the first use reads the files as they are then
        List<byte[]> contents;
        try {
            contents = source.read();
        } catch (IOException e) {
            // an interrupted read is the poller being stopped, not a broken file
            if (!Thread.currentThread().isInterrupted()) warnOnce(e.getMessage());
            return false;
        }
        byte[] d = digest(contents);
        if (Arrays.equals(d, seen)) {
            problem = null;   // readable again and unchanged: a new failure is worth a line again
            return false;
        }
        seen = d;
        Identity next;
        try {
            next = source.parser().parse(contents);
        } catch (IOException e) {
            warnOnce(e.getMessage());
            return false;
        }
        problem = null;
        Identity old = current;
        past.addFirst(old);
        while (past.size() > PAST_KEPT) past.removeLast();
        current = next;
        logIdentity("reloaded");
        return true;
    }

    private void warnOnce(String why) {
        if (why.equals(problem)) return;
        problem = why;
        log.warn("TLS: keeping the current certificate ({}): {}", Certificates.sha256(current.leaf()), why);
    }

    /**
     * Polls the files every {@code interval} on one daemon thread ({@link #reload}); closing the
     * result stops it. Polling, not a {@code WatchService}: certbot renews by repointing the
     * symlinks in {@code live/}, a change no directory watch of {@code live/} reports.
     */
    public Closeable watch(Duration interval) {
        if (source == null) throw new IllegalStateException("this TLS identity has no files to watch");
        Thread poller = Thread.ofPlatform().daemon(true).name("portico-tls-reload").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    reload();
                } catch (RuntimeException e) {
                    log.warn("TLS: reloading failed: {}", e.toString(), e);
                }
            }
        });
        return () -> {
            poller.interrupt();
            try {
                poller.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Logs which identity new handshakes present at start; a WARN when it expires within 14 days. */
    public void logIdentity() {
        logIdentity("using");
    }

    private void logIdentity(String what) {
        Identity i = now();
        X509Certificate leaf = i.leaf();
        log.info("TLS: {} {}: subject {}, not after {}, SHA-256 {}", what, i.origin(),
                leaf.getSubjectX500Principal().getName(), leaf.getNotAfter().toInstant(), Certificates.sha256(leaf));
        Instant end = leaf.getNotAfter().toInstant();
        Instant now = Instant.now();
        if (end.isBefore(now)) {
            log.warn("TLS: the certificate of {} expired at {}: clients will refuse it", i.origin(), end);
        } else if (end.isBefore(now.plus(EXPIRY_WARNING))) {
            log.warn("TLS: the certificate of {} expires at {}, in {} days: renew it (a renewed file is picked up without a restart)",
                    i.origin(), end, Duration.between(now, end).toDays());
        }
    }

    // ---- use ------------------------------------------------------------------------------------

    /** Whether the identity has been read (configured files are read at once, the generated one lazily). */
    public boolean loaded() {
        return current != null;
    }

    /**
     * Reads the identity now on a virtual thread and logs it ({@link #logIdentity()}), so that the
     * first TLS session does not wait for it and a keystore that cannot be read is reported right
     * after the start. An identity read already is only logged.
     *
     * @return the reading thread, for an owner that must not leave while it may still write the
     *         generated keystore (null when there is nothing to read)
     */
    public Thread loadInBackground() {
        if (loaded()) {
            logIdentity();
            return null;
        }
        return Thread.ofVirtual().name("tls-load").start(() -> {
            try {
                now();
                logIdentity();
            } catch (UncheckedIOException | IllegalStateException e) {
                log.error("TLS is unavailable until this is fixed (each TLS session fails): {}", e.getMessage());
            }
        });
    }

    /** The identity new handshakes present, read first if it has not been. */
    private Identity now() {
        Identity i = current;
        if (i != null) return i;
        firstRead.lock();
        try {
            if (current == null) {
                List<byte[]> contents = source.read();
                Identity read = source.parser().parse(contents);
                synchronized (this) {
                    seen = digest(contents);
                }
                current = read;
            }
            return current;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } finally {
            firstRead.unlock();
        }
    }

    /** The context new handshakes use; a later reload does not change the one returned. */
    public SSLContext context() {
        return now().context();
    }

    /** The server certificate new handshakes present, so tests and clients can trust exactly it. */
    public X509Certificate certificate() {
        return now().leaf();
    }

    /** The chain new handshakes present, leaf first. */
    public List<X509Certificate> chain() {
        return now().chain();
    }

    /** Where the identity comes from: its files, or that it was generated. */
    public String origin() {
        return now().origin();
    }

    /** Wraps an accepted plain socket as the server side of TLS, over the same connection. */
    public SSLSocket wrapServer(Socket plain) throws IOException {
        return wrap(plain, context(null));
    }

    /**
     * Wraps a plain socket with the identity {@code resuming} was made with, when it is the current
     * one or was replaced lately: TLS sessions resume only within the context that made them, so an
     * FTP data connection can resume a control connection that began before a reload.
     */
    public SSLSocket wrapServer(Socket plain, SSLSession resuming) throws IOException {
        return wrap(plain, context(resuming));
    }

    /** {@link #contextOf}, with an identity that cannot be read reported as the IOException it is. */
    private SSLContext context(SSLSession resuming) throws IOException {
        try {
            return contextOf(resuming);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private SSLContext contextOf(SSLSession session) {
        Identity now = now();
        Certificate[] local = session == null ? null : session.getLocalCertificates();
        if (local == null || local.length == 0 || local[0].equals(now.leaf())) return now.context();
        synchronized (this) {
            for (Identity i : past) {
                if (local[0].equals(i.leaf())) return i.context();
            }
        }
        return now.context();
    }

    private SSLSocket wrap(Socket plain, SSLContext context) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(
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

    /** A client context that trusts this server's current certificate and nothing else (tests, benchmarks). */
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
