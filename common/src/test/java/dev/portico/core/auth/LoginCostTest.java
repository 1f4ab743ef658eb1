package dev.portico.core.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failed login costs the same whether the name exists or not, so its time does not tell which
 * names exist (issue 13, item 3). Measured deterministically: the PBKDF2 iterations each check
 * runs on the test's thread, counted by {@link PasswordHash}; one coarse stopwatch check besides.
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
     * The coarse check the issue made by hand, with a margin that cannot flake: the fastest of four
     * failed logins of each kind, interleaved, are within a factor of two (before the fix an
     * unknown name cost three tenths of a known one here). Noise only ever adds time, so the minimum
     * is the cost itself even on a busy machine.
     */
    @Test
    void byTheClockUnknownAndKnownNamesFailInAboutTheSameTime() throws IOException {
        FileUserDirectory users = new FileUserDirectory(dir.resolve("users"), new PasswordHash(200_000));
        users.add("alice", "wonderland".toCharArray(), READ);
        long unknown = Long.MAX_VALUE;
        long known = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            long t0 = System.nanoTime();
            assertThat(users.authenticate("nobody", "wrong".toCharArray())).isEmpty();
            long t1 = System.nanoTime();
            assertThat(users.authenticate("alice", "wrong".toCharArray())).isEmpty();
            long t2 = System.nanoTime();
            unknown = Math.min(unknown, t1 - t0);
            known = Math.min(known, t2 - t1);
        }
        double ratio = (double) unknown / known;
        assertThat(ratio).as("fastest unknown %d µs / fastest known %d µs", unknown / 1000, known / 1000)
                .isBetween(0.5, 2.0);
    }
}
