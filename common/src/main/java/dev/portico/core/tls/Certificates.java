package dev.portico.core.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/** A certificate as people compare it: fingerprints, alternative names, PEM. */
public final class Certificates {

    private Certificates() {}

    /** The SHA-256 fingerprint in the colon-separated upper-case hex that browsers and FileZilla show. */
    public static String sha256(X509Certificate c) {
        return fingerprint(c, "SHA-256");
    }

    /** The SHA-1 fingerprint, as {@link #sha256}; older clients still show it. */
    public static String sha1(X509Certificate c) {
        return fingerprint(c, "SHA-1");
    }

    private static String fingerprint(X509Certificate c, String algorithm) {
        try {
            byte[] d = MessageDigest.getInstance(algorithm).digest(c.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /** The subject alternative names as {@code DNS:name} and {@code IP:address}, in the certificate's order. */
    public static List<String> alternativeNames(X509Certificate c) {
        Collection<List<?>> names;
        try {
            names = c.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of("(unreadable: " + e.getMessage() + ")");
        }
        List<String> out = new ArrayList<>();
        if (names == null) return out;
        for (List<?> n : names) {
            String kind = switch ((Integer) n.get(0)) {
                case 1 -> "email";
                case 2 -> "DNS";
                case 6 -> "URI";
                case 7 -> "IP";
                default -> "other";
            };
            out.add(n.get(1) instanceof String v ? kind + ":" + v : kind);
        }
        return out;
    }

    /** The certificate in PEM, as {@code curl --cacert} and {@code openssl} read it. */
    public static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
    }
}
