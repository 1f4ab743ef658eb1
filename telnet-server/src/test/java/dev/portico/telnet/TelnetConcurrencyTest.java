package dev.portico.telnet;

import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class TelnetConcurrencyTest {

    @TempDir Path dir;
    @RegisterExtension final TelnetTestServer portico = new TelnetTestServer();

    @Test
    void hundredConcurrentSessionsEachGetTheirOwnShell() throws Exception {
        portico.start(dir);
        int n = 100;
        CountDownLatch allIn = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                results.add(pool.submit(() -> {
                    try (TelnetPeer c = portico.commonsNet(true, 80)) {
                        c.login(k % 2 == 0 ? "alice" : "bob", k % 2 == 0 ? TestServices.ALICE_PASSWORD : TestServices.BOB_PASSWORD);
                        String out = c.run("echo session-" + k) + c.run("whoami");
                        allIn.countDown();
                        release.await(30, TimeUnit.SECONDS);
                        return out;
                    } finally {
                        allIn.countDown();
                    }
                }));
            }
            assertThat(allIn.await(40, TimeUnit.SECONDS)).isTrue();
            assertThat(portico.services.sessions().sessions().stream().filter(s -> s.user() != null).count())
                    .isEqualTo(n);
            release.countDown();
            for (int i = 0; i < n; i++) {
                assertThat(results.get(i).get(30, TimeUnit.SECONDS))
                        .isEqualTo("session-" + i + "\n" + (i % 2 == 0 ? "alice" : "bob") + "\n");
            }
        }
    }
}
