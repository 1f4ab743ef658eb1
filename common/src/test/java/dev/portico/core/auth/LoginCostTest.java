package dev.portico.core.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A failed login costs the same whether the name exists or not, so its time does not tell which
 * names exist (issue 13, item 3). Measured deterministically: the PBKDF2 iterations each check
 * runs on the test's thread, counted by {@link PasswordHash}; one coarse check of CPU time besides.
 */
@Timeout(60)
class LoginCostTest {

    @TempDir Path dir;

    private static final Set<Permission> READ = EnumSet.of(Permission.READ);

    /** The PBKDF2 iterations {@code check} runs on this thread. */
    private static long iterations(Supplier<?> check) {
        long before = PasswordHash.iterationsRunOnThisThread();
        check.get();
        return PasswordHash.iterationsRunOnThisThread() - before;
    }

    @Test
    void unknownNamesWrongPasswordsAndUsersHashedWithFewerIterationsAllCostTheSame() throws IOException {
        Path file = dir.resolve("users");
        // "old" was added while users.hash-iterations was 500; it is 2000 now.
        new FileUserDirectory(file, new PasswordHash(500)).add("old", "secret".toCharArray(), READ);
        FileUserDirectory users = new FileUserDirectory(file, new PasswordHash(2000));
        users.add("alice", "wonderland".toCharArray(), READ);

        long unknown = iterations(() -> users.authenticate("nobody", "wonderland".toCharArray()));
        assertThat(unknown).as("an unknown name costs what a hash costs now").isEqualTo(2000);
        assertThat(iterations(() -> users.authenticate("alice", "wrong".toCharArray()))).isEqualTo(unknown);
        assertThat(iterations(() -> users.authenticate("old", "wrong".toCharArray())))
                .as("a user hashed with fewer iterations is padded up to the same cost").isEqualTo(unknown);
        // A right password costs the same the first time (the cache is empty) ...
        assertThat(iterations(() -> users.authenticate("old", "secret".toCharArray()))).isEqualTo(unknown);
        assertThat(iterations(() -> users.authenticate("alice", "wonderland".toCharArray()))).isEqualTo(unknown);
        // ... then hits the cache; a wrong password never does, for a known name or an unknown one.
        assertThat(iterations(() -> users.authenticate("alice", "wonderland".toCharArray()))).isZero();
        assertThat(iterations(() -> users.authenticate("alice", "wonderland!".toCharArray()))).isEqualTo(unknown);
        assertThat(iterations(() -> users.authenticate("nobody", "wonderland".toCharArray()))).isEqualTo(unknown);
    }

    @Test
    void aStoredHashWithMoreIterationsOrAMalformedOneSetsTheCostOfEveryCheck() throws IOException {
        Path file = dir.resolve("users");
        // "big" was added before users.hash-iterations was lowered from 5000 to 2000.
        new FileUserDirectory(file, new PasswordHash(5000)).add("big", "secret".toCharArray(), READ);
        FileUserDirectory users = new FileUserDirectory(file, new PasswordHash(2000));
        users.add("alice", "wonderland".toCharArray(), READ);
        Files.writeString(file, "broken:read:plain-text-is-no-hash\n", StandardOpenOption.APPEND);

        for (String name : new String[]{"nobody", "alice", "big", "broken"}) {
            assertThat(iterations(() -> users.authenticate(name, "wrong".toCharArray()))).as(name).isEqualTo(5000);
        }
        assertThat(users.authenticate("big", "secret".toCharArray())).isPresent();
        assertThat(users.authenticate("broken", "plain-text-is-no-hash".toCharArray())).isEmpty();
    }

    @Test
    void passwordHashPadsEveryCheckToTheCostAsked() {
        String h500 = new PasswordHash(500).hash("x".toCharArray());
        assertThat(iterations(() -> PasswordHash.verify("x".toCharArray(), h500, 3000))).isEqualTo(3000);
        assertThat(iterations(() -> PasswordHash.verify("y".toCharArray(), h500, 3000))).isEqualTo(3000);
        assertThat(iterations(() -> PasswordHash.verify("x".toCharArray(), null, 3000))).isEqualTo(3000);
        assertThat(iterations(() -> PasswordHash.verify("x".toCharArray(), "pbkdf2-sha256$9$!!$!!", 3000))).isEqualTo(3000);
        assertThat(iterations(() -> PasswordHash.verify("x".toCharArray(), h500))).isEqualTo(500);
        assertThat(PasswordHash.verify("x".toCharArray(), h500, 3000)).isTrue();
        assertThat(PasswordHash.verify("x".toCharArray(), null, 3000)).isFalse();
    }

    /**
     * The coarse check the issue made by hand, measured so that it cannot flake: the CPU time of
     * the test's thread (time spent waiting for a core on a busy machine is not counted), after a
     * warm-up of both paths, four failed logins of each kind in alternating order, the fastest of
     * each kind within a factor of two of the other. Before the fix an unknown name cost three
     * tenths of a known one here (the dummy hash had a fixed 60,000 iterations).
     */
    @Test
    void byCpuTimeUnknownAndKnownNamesFailAtAboutTheSameCost() throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isCurrentThreadCpuTimeSupported(), "no per-thread CPU time on this JVM");
        FileUserDirectory users = new FileUserDirectory(dir.resolve("users"), new PasswordHash(200_000));
        users.add("alice", "wonderland".toCharArray(), READ);
        assertThat(users.authenticate("nobody", "warm-up".toCharArray())).isEmpty();
        assertThat(users.authenticate("alice", "warm-up".toCharArray())).isEmpty();
        long unknown = Long.MAX_VALUE;
        long known = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            boolean probeUnknown = (i % 4 == 0 || i % 4 == 3);   // U K K U U K K U: neither kind always first
            long t0 = threads.getCurrentThreadCpuTime();
            assertThat(users.authenticate(probeUnknown ? "nobody" : "alice", "wrong".toCharArray())).isEmpty();
            long spent = threads.getCurrentThreadCpuTime() - t0;
            if (probeUnknown) {
                unknown = Math.min(unknown, spent);
            } else {
                known = Math.min(known, spent);
            }
        }
        double ratio = (double) unknown / known;
        assertThat(ratio).as("fastest unknown %d µs / fastest known %d µs of CPU", unknown / 1000, known / 1000)
                .isBetween(0.5, 2.0);
    }
}
