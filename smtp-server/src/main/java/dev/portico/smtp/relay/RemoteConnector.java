package dev.portico.smtp.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Opens the connection a destination's mail leaves by: to the smart host, or to the domain's MX
 * hosts one after the other until one answers. TLS as {@code smtp.relay.tls} says: towards MX
 * hosts any certificate is taken (Postfix's {@code may} and {@code encrypt} levels: MX host
 * names are not authenticated without DANE, so checking them would only fail); towards the smart
 * host under {@code required}, the certificate is verified against the JDK's authorities or
 * {@code smtp.relay.trust-store}.
 */
final class RemoteConnector {

    private static final Logger log = LoggerFactory.getLogger(RemoteConnector.class);

    /** No connection: {@code permanent} when the domain cannot take mail at all. */
    static final class Failure extends Exception {
        final boolean permanent;

        Failure(String message, boolean permanent) {
            super(message);
            this.permanent = permanent;
        }
    }

    private final RelayConfig config;
    private final String helo;
    /** Made on the first MX delivery: dnsjava is not loaded before. */
    private volatile MxResolver resolver;
    private volatile SSLSocketFactory anyCertificate;
    private volatile SSLSocketFactory verifying;

    RemoteConnector(RelayConfig config, String helo) {
        this.config = config;
        this.helo = helo;
    }

    /** A connection for {@code domain}'s mail, or for the smart host's when {@code domain} is null. */
    SmtpClient connect(String domain) throws Failure {
        List<MxResolver.Target> targets = domain == null ? smartHost() : mx(domain);
        int port = domain == null ? config.smartHost().port() : config.mxPort();
        boolean verify = domain == null && config.tls() == RelayConfig.TlsPolicy.REQUIRED;
        String last = "no address";
        for (MxResolver.Target t : targets) {
            try {
                return SmtpClient.open(t.host(), new InetSocketAddress(t.address(), port), helo, config, config.tls(),
                        verify ? verifying() : anyCertificate(), verify);
            } catch (SmtpClient.SmtpClientException e) {
                last = t.host() + "[" + t.address().getHostAddress() + "]:" + port + ": " + e.getMessage()
                        + (e.reply != null ? " (" + SmtpClient.text(e.reply) + ")" : "");
            } catch (IOException e) {
                last = "connect to " + t.host() + "[" + t.address().getHostAddress() + "]:" + port + ": " + e.getMessage();
            }
            log.debug("queue: {}", last);
        }
        throw new Failure("4.4.1 " + last, false);
    }

    private List<MxResolver.Target> smartHost() throws Failure {
        try {
            List<MxResolver.Target> targets = new ArrayList<>();
            for (InetAddress a : InetAddress.getAllByName(config.smartHost().host())) {
                targets.add(new MxResolver.Target(config.smartHost().host(), a));
            }
            return targets;
        } catch (IOException e) {
            throw new Failure("4.4.3 cannot resolve the smart host " + config.smartHost().host() + ": " + e.getMessage(), false);
        }
    }

    private List<MxResolver.Target> mx(String domain) throws Failure {
        try {
            return resolver().targets(domain);
        } catch (MxResolver.PermanentFailure e) {
            throw new Failure(e.status + " " + e.getMessage(), true);
        } catch (MxResolver.TemporaryFailure e) {
            throw new Failure("4.4.3 " + e.getMessage(), false);
        }
    }

    private MxResolver resolver() throws MxResolver.TemporaryFailure {
        MxResolver r = resolver;
        if (r == null) {
            synchronized (this) {
                if (resolver == null) {
                    try {
                        resolver = new MxResolver(config.dnsServers(), config.connectTimeout());
                    } catch (IOException e) {
                        throw new MxResolver.TemporaryFailure("cannot use dns.servers: " + e.getMessage());
                    }
                }
                r = resolver;
            }
        }
        return r;
    }

    private SSLSocketFactory anyCertificate() throws Failure {
        SSLSocketFactory f = anyCertificate;
        if (f == null) {
            X509TrustManager all = new X509TrustManager() {
                @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
                @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
                @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            };
            f = anyCertificate = context(new TrustManager[] {all}).getSocketFactory();
        }
        return f;
    }

    private SSLSocketFactory verifying() throws Failure {
        SSLSocketFactory f = verifying;
        if (f == null) {
            if (config.trustStore() == null) {
                try {
                    f = SSLContext.getDefault().getSocketFactory();
                } catch (GeneralSecurityException e) {
                    throw new Failure("4.7.0 no TLS: " + e.getMessage(), false);
                }
            } else {
                try (InputStream in = Files.newInputStream(config.trustStore())) {
                    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                    ks.load(null, null);
                    int i = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        ks.setCertificateEntry("trusted-" + i++, c);
                    }
                    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(ks);
                    f = context(tmf.getTrustManagers()).getSocketFactory();
                } catch (IOException | GeneralSecurityException e) {
                    throw new Failure("4.7.0 cannot read smtp.relay.trust-store " + config.trustStore() + ": " + e.getMessage(), false);
                }
            }
            verifying = f;
        }
        return f;
    }

    private static SSLContext context(TrustManager[] trust) throws Failure {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, trust, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new Failure("4.7.0 no TLS: " + e.getMessage(), false);
        }
    }
}
