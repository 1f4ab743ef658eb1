package dev.portico.core.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.portico.core.Cidr;
import dev.portico.core.ConfigException;
import dev.portico.core.Settings;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginGuardTest {

    @TempDir Path dir;

    private LoginGuard guard(LoginGuard.Policy policy) throws IOException {
        return guard(policy, LoginGuard.MAX_TRACKED);
    }

    private LoginGuard guard(LoginGuard.Policy policy, int maxTracked) throws IOException {
        FileUserDirectory users = new FileUserDirectory(dir.resolve("users"), new PasswordHash(1000));
        users.add("alice", "right".toCharArray(), EnumSet.of(Permission.READ));
        return new LoginGuard(users, policy, maxTracked);
    }

    @Test
    void anIpv6ClientCountsByItsPrefix() throws IOException {
        LoginGuard guard = guard(new LoginGuard.Policy(Duration.ZERO, Duration.ZERO, 2,
                Duration.ofMinutes(1), Duration.ofMinutes(1)));
        guard.login("test", InetAddress.getByName("2001:db8:1:2::a"), "alice", "guess".toCharArray());
        assertThat(guard.isBanned(InetAddress.getByName("2001:db8:1:2::a"))).isFalse();
        guard.login("test", InetAddress.getByName("2001:db8:1:2:ffff::b"), "alice", "guess".toCharArray());
        assertThat(guard.isBanned(InetAddress.getByName("2001:db8:1:2::c"))).isTrue();
        assertThat(guard.isBanned(InetAddress.getByName("2001:db8:1:3::a"))).isFalse();
        assertThat(guard.bans()).extracting(b -> b.block().toString()).containsExactly("2001:db8:1:2:0:0:0:0/64");
        assertThat(guard.unban(Cidr.parse("2001:db8:1:2::/64"))).isTrue();
        assertThat(guard.isBanned(InetAddress.getByName("2001:db8:1:2::c"))).isFalse();
    }

    @Test
    void theIpv6PrefixIsConfigurable() throws IOException {
        LoginGuard.Policy exact = LoginGuard.Policy.from(Settings.of("login.ipv6-prefix", "128", "login.ban-after", "2",
                "login.failure-delay", "0ms", "login.max-failure-delay", "0ms"));
        LoginGuard guard = guard(exact);
        guard.login("test", InetAddress.getByName("2001:db8::a"), "alice", "guess".toCharArray());
        guard.login("test", InetAddress.getByName("2001:db8::b"), "alice", "guess".toCharArray());
        assertThat(guard.isBanned(InetAddress.getByName("2001:db8::b"))).isFalse();
        guard.login("test", InetAddress.getByName("2001:db8::b"), "alice", "guess".toCharArray());
        assertThat(guard.isBanned(InetAddress.getByName("2001:db8::b"))).isTrue();
        assertThat(guard.isBanned(InetAddress.getByName("2001:db8::a"))).isFalse();
        assertThat(guard.unban(InetAddress.getByName("2001:db8::b"))).isTrue();
        for (String bad : new String[]{"0", "129"}) {
            assertThatThrownBy(() -> LoginGuard.Policy.from(Settings.of("login.ipv6-prefix", bad)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("login.ipv6-prefix");
        }
    }

    @Test
    void aFloodOfOtherAddressesDoesNotWipeAnAttackersCount() throws IOException {
        LoginGuard guard = guard(new LoginGuard.Policy(Duration.ZERO, Duration.ZERO, 5,
                Duration.ofMinutes(1), Duration.ofMinutes(1)), 50);
        InetAddress attacker = InetAddress.getByName("192.0.2.1");
        // Caffeine counts how often keys come only once its table is half full (a busy server's is)
        for (int i = 1000; i < 1030; i++) {
            guard.login("test", InetAddress.getByAddress(new byte[]{(byte) 198, 51, (byte) (i >> 8), (byte) i}), "mallory",
                    "x".toCharArray());
        }
        for (int i = 0; i < 4; i++) guard.login("test", attacker, "alice", "guess".toCharArray());
        // the old table was cleared whole past its bound, and the attacker started again from zero;
        // now the one-off failures of a flood are what make room
        for (int i = 0; i < 300; i++) {
            guard.login("test", InetAddress.getByAddress(new byte[]{(byte) 198, 51, (byte) (i >> 8), (byte) i}), "mallory",
                    "x".toCharArray());
        }
        guard.login("test", attacker, "alice", "guess".toCharArray());
        assertThat(guard.isBanned(attacker)).isTrue();
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
