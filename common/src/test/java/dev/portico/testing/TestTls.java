package dev.portico.testing;

import dev.portico.core.tls.Tls;

import javax.net.ssl.SSLContext;

/**
 * One self-signed TLS identity for the whole test JVM (generated in memory, so there is no
 * keystore to keep in the repository), and a client context that trusts exactly it: no
 * trust-all anywhere.
 */
public final class TestTls {

    public static final Tls SERVER = Tls.ephemeral();
    public static final SSLContext CLIENT = SERVER.clientContext();

    private TestTls() {}
}
