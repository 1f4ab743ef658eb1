package dev.portico.junit;

import dev.portico.core.tls.Tls;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One self-signed TLS identity for every test Portico of the JVM. Making an RSA key takes a good
 * part of a second, so it is made once, on a thread of its own, starting when the first
 * extension is built (typically while JUnit is still discovering tests), and every start after
 * the first finds it ready.
 */
final class SharedTls {

    private static volatile CompletableFuture<Tls> identity;

    private SharedTls() {}

    /** Starts making the identity unless that has begun. */
    static void prepare() {
        if (identity != null) return;
        synchronized (SharedTls.class) {
            if (identity != null) return;
            CompletableFuture<Tls> f = new CompletableFuture<>();
            Thread.ofPlatform().daemon(true).name("portico-tls-key").start(() -> {
                try {
                    f.complete(Tls.ephemeral());
                } catch (RuntimeException | Error e) {
                    f.completeExceptionally(e);
                }
            });
            identity = f;
        }
    }

    static Tls get() {
        prepare();
        try {
            return identity.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the TLS identity", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot make the TLS identity", e.getCause());
        }
    }
}
