package dev.portico.smtp.dkim;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Set;

/**
 * One signing key, kept in {@code DIR/DOMAIN.SELECTOR.key} (PKCS#8 PEM, mode 600) and generated
 * there on first use: RSA 2048 or Ed25519. A key put there by hand may also be PKCS#1 RSA
 * ({@code opendkim-genkey}'s {@code .private}). The file's key decides the algorithm, not
 * {@code dkim.algorithm}: its DNS record is already published.
 *
 * @param file      where it is kept
 * @param algorithm what the key signs with
 * @param privateKey the key
 * @param publicKeyData the {@code p=} of its DNS record: the SubjectPublicKeyInfo for RSA
 *                  (RFC 6376 3.6.1), the bare 32 octets for Ed25519 (RFC 8463 4), in base64
 */
public record DkimKey(Path file, DkimAlgorithm algorithm, PrivateKey privateKey, String publicKeyData) {

    /** RFC 8301 3.2: at least 1024 bits to be verified at all, 2048 to be safe. */
    static final int RSA_BITS = 2048;
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** Where the key of {@code domain} and {@code selector} is kept under {@code dir}. */
    public static Path file(Path dir, String domain, String selector) {
        return dir.resolve(DkimConfig.normalDomain(domain) + "." + selector + ".key");
    }

    /**
     * Reads the key from {@code file}, or, when there is none, generates one of {@code algorithm},
     * writes it (fsynced, mode 600, never over one that another process wrote meanwhile) and returns it.
     */
    public static DkimKey loadOrCreate(Path file, DkimAlgorithm algorithm) throws IOException {
        if (Files.exists(file)) return load(file);
        KeyPair pair;
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm.jcaName());
            if (algorithm == DkimAlgorithm.RSA_SHA256) gen.initialize(RSA_BITS);
            pair = gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm.jcaName() + " key generation missing from the JDK", e);
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + "." + ProcessHandle.current().pid() + "." + Thread.currentThread().threadId() + ".tmp");
        try {
            try {
                Files.createFile(tmp, OWNER_ONLY);
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);   // not a POSIX file system
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(StandardCharsets.US_ASCII.encode(pem(pair.getPrivate())));
                ch.force(true);
            }
            try {
                // no REPLACE_EXISTING: a key that another process wrote first is the one it may have published
                Files.move(tmp, file);
            } catch (FileAlreadyExistsException e) {
                return load(file);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // a directory that cannot be opened for fsync (not POSIX): the file itself is synced
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new DkimKey(file, algorithm, pair.getPrivate(), publicKeyData(algorithm, pair.getPublic()));
    }

    /** Reads a PEM private key: PKCS#8 (RSA or Ed25519) or PKCS#1 RSA, unencrypted. */
    public static DkimKey load(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        Object o;
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            o = p.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a PEM private key (" + e.getMessage() + ")", e);
        }
        // PKCS#1 comes as a key pair, which BouncyCastle gives as PKCS#8 too
        PrivateKeyInfo info = o instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo()
                : o instanceof PrivateKeyInfo i ? i : null;
        if (info == null) throw new IOException(file + ": no unencrypted PEM private key in it (PKCS#8 or PKCS#1 RSA)");
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        try {
            // the JDK's own keys, so that signing needs no BouncyCastle provider
            if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
                RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                        .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
                if (rsa.getModulus().bitLength() < 1024) {
                    throw new IOException(file + ": an RSA key of " + rsa.getModulus().bitLength()
                            + " bits, which verifiers ignore (RFC 8301: 1024 at least, 2048 better)");
                }
                PublicKey pub = KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
                return new DkimKey(file, DkimAlgorithm.RSA_SHA256, rsa, publicKeyData(DkimAlgorithm.RSA_SHA256, pub));
            }
            if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
                EdECPrivateKey ed = (EdECPrivateKey) KeyFactory.getInstance("Ed25519")
                        .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
                // the JDK has no way from an Ed25519 private key to its public key; BouncyCastle has
                byte[] pub = new Ed25519PrivateKeyParameters(ed.getBytes().orElseThrow(), 0).generatePublicKey().getEncoded();
                return new DkimKey(file, DkimAlgorithm.ED25519_SHA256, ed, Base64.getEncoder().encodeToString(pub));
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(file + ": an unusable key (" + e.getMessage() + ")", e);
        }
        throw new IOException(file + ": a key of algorithm " + oid + "; DKIM signs with RSA or Ed25519");
    }

    private static String publicKeyData(DkimAlgorithm algorithm, PublicKey pub) {
        byte[] spki = pub.getEncoded();
        if (algorithm == DkimAlgorithm.ED25519_SHA256) {
            // X.509 SubjectPublicKeyInfo of Ed25519 is a fixed 12-octet prefix and the 32-octet key (RFC 8410)
            byte[] raw = new byte[32];
            System.arraycopy(spki, spki.length - 32, raw, 0, 32);
            return Base64.getEncoder().encodeToString(raw);
        }
        return Base64.getEncoder().encodeToString(spki);
    }

    private static String pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** A signer of this key for {@code domain} and {@code selector}. */
    public DkimSigner signer(String domain, String selector, java.time.Clock clock) {
        return new DkimSigner(domain, selector, algorithm, privateKey, clock);
    }

    /** The DNS record that publishes this key for {@code domain} and {@code selector}. */
    public DkimRecord record(String domain, String selector) {
        return new DkimRecord(selector + "._domainkey." + DkimConfig.normalDomain(domain) + ".",
                "v=DKIM1; k=" + algorithm.keyType() + "; p=" + publicKeyData);
    }
}
