package dev.portico.core.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

class FileUserDirectoryTest {

    @TempDir Path dir;

    private FileUserDirectory directory() throws IOException {
        return new FileUserDirectory(dir.resolve("users"), new PasswordHash(1000));
    }

    @Test
    void storesOnlySaltedHashes() throws IOException {
        FileUserDirectory users = directory();
        users.add("alice", "wonderland".toCharArray(), EnumSet.of(Permission.READ));
        users.add("carol", "wonderland".toCharArray(), EnumSet.of(Permission.READ));
        String file = Files.readString(dir.resolve("users"));
        assertThat(file).doesNotContain("wonderland").contains("alice:read:pbkdf2-sha256$1000$");
        String[] lines = file.lines().filter(l -> !l.startsWith("#")).toArray(String[]::new);
        assertThat(lines[0].substring(lines[0].lastIndexOf(':'))).isNotEqualTo(lines[1].substring(lines[1].lastIndexOf(':')));
    }

    @Test
    void authenticatesRightPasswordOnlyAndCachesTheCheck() throws IOException {
        FileUserDirectory users = directory();
        users.add("alice", "wonderland".toCharArray(), EnumSet.of(Permission.READ, Permission.WRITE));
        assertThat(users.authenticate("alice", "wrong".toCharArray())).isEmpty();
        assertThat(users.authenticate("nobody", "wonderland".toCharArray())).isEmpty();
        assertThat(users.authenticate("ALICE", "wonderland".toCharArray())).get()
                .satisfies(u -> assertThat(u.canWrite()).isTrue());
        assertThat(users.authenticate("alice", "wonderland".toCharArray())).isPresent();
        assertThat(users.authenticate("alice", "wonderland!".toCharArray())).isEmpty();
    }

    @Test
    void concurrentLoginsWithRightAndWrongPasswordsEachGetTheirOwnAnswer() throws Exception {
        FileUserDirectory users = directory();
        users.add("alice", "wonderland".toCharArray(), EnumSet.of(Permission.READ));
        List<Thread> threads = new ArrayList<>();
        AtomicInteger right = new AtomicInteger();
        AtomicInteger wrongAccepted = new AtomicInteger();
        for (int i = 0; i < 32; i++) {
            boolean good = i % 2 == 0;
            threads.add(Thread.ofVirtual().start(() -> {
                boolean in = users.authenticate("alice", (good ? "wonderland" : "wrong").toCharArray()).isPresent();
                if (good && in) right.incrementAndGet();
                if (!good && in) wrongAccepted.incrementAndGet();
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(right.get()).isEqualTo(16);
        assertThat(wrongAccepted.get()).isZero();
    }

    @Test
    void changesRewriteTheFileAtomicallyAndOtherInstancesSeeThem() throws IOException {
        FileUserDirectory writer = directory();
        FileUserDirectory reader = directory();
        writer.add("alice", "one".toCharArray(), EnumSet.of(Permission.READ));
        assertThat(reader.authenticate("alice", "one".toCharArray())).isPresent();
        writer.setPassword("alice", "two".toCharArray());
        assertThat(reader.authenticate("alice", "one".toCharArray())).isEmpty();
        assertThat(reader.authenticate("alice", "two".toCharArray())).isPresent();
        writer.remove("alice");
        assertThat(reader.find("alice")).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("users");
        }
    }

    @Test
    void refusesDuplicateAndUnsafeNames() throws IOException {
        FileUserDirectory users = directory();
        users.add("alice", "x".toCharArray(), EnumSet.of(Permission.READ));
        assertThatThrownBy(() -> users.add("alice", "y".toCharArray(), EnumSet.noneOf(Permission.class)))
                .isInstanceOf(IllegalArgumentException.class);
        for (String bad : new String[]{"../etc", "a/b", "", "a:b", ".hidden"}) {
            assertThatThrownBy(() -> users.add(bad, "y".toCharArray(), EnumSet.noneOf(Permission.class)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void passwordHashRejectsMalformedStoredValues() {
        assertThat(PasswordHash.verify("x".toCharArray(), "plain")).isFalse();
        assertThat(PasswordHash.verify("x".toCharArray(), "pbkdf2-sha256$x$y$z")).isFalse();
        String h = new PasswordHash(10).hash("x".toCharArray());
        assertThat(PasswordHash.verify("x".toCharArray(), h)).isTrue();
    }
}
