package dev.portico.smtp.dkim;

/** The signing algorithms Portico offers ({@code dkim.algorithm}): RFC 6376's rsa-sha256 and RFC 8463's ed25519-sha256. */
public enum DkimAlgorithm {
    /** RSA 2048 with SHA-256 (RFC 6376 3.3.1): what every verifier knows. */
    RSA_SHA256("rsa-sha256", "rsa", "RSA"),
    /**
     * Ed25519 over the SHA-256 of the signed data (RFC 8463 3). Short keys and signatures, but not
     * every verifier knows it yet: publish an RSA selector beside it for those.
     */
    ED25519_SHA256("ed25519-sha256", "ed25519", "Ed25519");

    private final String tag;
    private final String keyType;
    private final String jcaName;

    DkimAlgorithm(String tag, String keyType, String jcaName) {
        this.tag = tag;
        this.keyType = keyType;
        this.jcaName = jcaName;
    }

    /** The {@code a=} value of the signature. */
    public String tag() {
        return tag;
    }

    /** The {@code k=} value of the DNS key record. */
    public String keyType() {
        return keyType;
    }

    /** The JCA name of the key ({@code KeyFactory}, {@code KeyPairGenerator}). */
    String jcaName() {
        return jcaName;
    }

    @Override
    public String toString() {
        return tag;
    }
}
