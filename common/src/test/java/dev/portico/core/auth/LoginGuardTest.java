package dev.portico.core.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

class LoginGuardTest {

    @TempDir Path dir;

    private LoginGuard guard(LoginGuard.Policy policy) throws IOException {
        FileUserDirectory users = new FileUserDirectory(dir.resolve("users"), new PasswordHash(1000));
        users.add("alice", "right".toCharArray(), EnumSet.of(Permission.READ));
        return new LoginGuard(users, policy);
    }

    @Test
    void failuresAreSlowedDownMoreEachTime() throws IOException {
        LoginGuard guard = guard(new LoginGuard.Policy(Duration.ofMillis(40), Duration.ofMillis(160), 100,
                Duration.ofMinutes(1), Duration.ofMinutes(1)));
        InetAddress from = InetAddress.getByName("127.0.0.2");
        long first = timed(() -> guard.login("test", from, "alice", "bad".toCharArray()));
        long third = 0;
        for (int i = 0; i < 2; i++) third = timed(() -> guard.login("test", from, "alice", "bad".toCharArray()));
        assertThat(first).isGreaterThanOrEqualTo(40);
        assertThat(third).isGreaterThanOrEqualTo(160);
        long ok = timed(() -> assertThat(guard.login("test", from, "alice", "right".toCharArray())).isPresent());
        assertThat(ok).isLessThan(first + 1000);
    }

    @Test
    void anAddressThatKeepsFailingIsBannedEvenWithTheRightPassword() throws IOException {
        LoginGuard guard = guard(new LoginGuard.Policy(Duration.ofMillis(1), Duration.ofMillis(2), 3,
                Duration.ofMinutes(1), Duration.ofMinutes(1)));
        InetAddress attacker = InetAddress.getByName("127.0.0.3");
        InetAddress other = InetAddress.getByName("127.0.0.4");
        for (int i = 0; i < 3; i++) guard.login("test", attacker, "alice", "guess".toCharArray());
        assertThat(guard.isBanned(attacker)).isTrue();
        assertThat(guard.login("test", attacker, "alice", "right".toCharArray())).isEmpty();
        assertThat(guard.login("test", other, "alice", "right".toCharArray())).isPresent();
        assertThat(guard.bans()).extracting(LoginGuard.Ban::address).containsExactly(attacker);
        assertThat(guard.unban(attacker)).isTrue();
        assertThat(guard.login("test", attacker, "alice", "right".toCharArray())).isPresent();
    }

    @Test
    void bansExpire() throws Exception {
        LoginGuard guard = guard(new LoginGuard.Policy(Duration.ofMillis(1), Duration.ofMillis(1), 1,
                Duration.ofMinutes(1), Duration.ofMillis(100)));
        InetAddress a = InetAddress.getByName("127.0.0.5");
        guard.login("test", a, "alice", "guess".toCharArray());
        assertThat(guard.isBanned(a)).isTrue();
        Thread.sleep(150);
        assertThat(guard.isBanned(a)).isFalse();
    }

    private static long timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
