package dev.portico.core;

import dev.portico.core.tls.Tls;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the TLS identity comes from: {@code tls.certificate} and {@code tls.key} (PEM, as certbot
 * writes them), or {@code tls.keystore} (PKCS#12) with {@code tls.keystore-password}, or else one
 * generated self-signed in the data folder. Files named here are polled every
 * {@code tls.reload-interval} ({@code 0} turns that off) and a changed content is taken without a restart.
 *
 * @param certificate null, or the PEM chain, leaf first
 * @param key         null, or the PEM private key of the leaf
 * @param keystore    null, or a PKCS#12 keystore
 */
public record TlsConfig(Path certificate, Path key, Path keystore, char[] keystorePassword, Duration reloadInterval) {

    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);

    /** Reads every {@code tls.*} key of the process. */
    public static TlsConfig from(Settings s) {
        Path certificate = path(s, "tls.certificate");
        Path key = path(s, "tls.key");
        Path keystore = path(s, "tls.keystore");
        char[] password = s.string("tls.keystore-password", "").toCharArray();
        Duration interval = s.duration("tls.reload-interval", DEFAULT_RELOAD_INTERVAL);
        if (certificate != null && key == null) {
            throw new ConfigException("tls.certificate", "needs tls.key too (the private key of the certificate, in PEM)");
        }
        if (key != null && certificate == null) {
            throw new ConfigException("tls.key", "needs tls.certificate too (the certificate chain of the key, in PEM)");
        }
        if (certificate != null && keystore != null) {
            throw new ConfigException("tls.keystore", "set either tls.keystore or tls.certificate and tls.key, not both");
        }
        if (interval.isNegative()) throw new ConfigException("tls.reload-interval", "must not be negative");
        return new TlsConfig(certificate, key, keystore, password, interval);
    }

    private static Path path(Settings s, String key) {
        String v = s.string(key, null);
        return v == null || v.isBlank() ? null : Path.of(v.strip());
    }

    /** Whether the identity comes from files named in the configuration (and so is worth polling). */
    public boolean configured() {
        return certificate != null || keystore != null;
    }

    /**
     * Reads the configured files, or loads (generating it first when missing) the self-signed
     * keystore in {@code generatedDir}, made for {@code hostnames}.
     */
    public Tls open(Path generatedDir, List<String> hostnames) throws IOException {
        try {
            if (certificate != null) return Tls.pem(certificate, key);
            if (keystore != null) return Tls.load(keystore, keystorePassword);
        } catch (IOException e) {
            throw new IOException("cannot use the TLS identity: " + e.getMessage(), e);
        }
        return Tls.selfSigned(generatedDir, hostnames);
    }

    /** Starts polling the configured files of {@code tls}, or nothing (a no-op to close) when none or turned off. */
    public Closeable watch(Tls tls) {
        if (!configured() || reloadInterval.isZero()) return () -> {};
        return tls.watch(reloadInterval);
    }
}
