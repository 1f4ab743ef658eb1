package dev.portico.core.auth;

import dev.portico.core.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The guard tells its observers of every login it decides and of every ban it sets (metrics, status page). */
class LoginGuardEventsTest {

    @TempDir Path dir;

    @Test
    void everyLoginAndTheBanAreTold() throws Exception {
        FileUserDirectory users = new FileUserDirectory(dir.resolve("users"), new PasswordHash(1000));
        users.add("alice", "right".toCharArray(), EnumSet.of(Permission.READ));
        List<String> told = new CopyOnWriteArrayList<>();
        Events events = new Events() {
            @Override public void login(String protocol, InetAddress remote, String user, boolean ok) {
                told.add(protocol + " " + remote.getHostAddress() + " " + user + " " + ok);
            }
            @Override public void banned(InetAddress address, Duration duration) {
                told.add("banned " + address.getHostAddress() + " " + duration);
            }
        };
        LoginGuard guard = new LoginGuard(users, new LoginGuard.Policy(Duration.ofMillis(1), Duration.ofMillis(2), 2,
                Duration.ofMinutes(1), Duration.ofMinutes(5)), events);
        InetAddress good = InetAddress.getByName("127.0.0.3"), bad = InetAddress.getByName("127.0.0.4");

        assertThat(guard.login("pop3", good, "alice", "right".toCharArray())).isPresent();
        guard.login("ftp", bad, "alice", "wrong".toCharArray());
        guard.login("ftp", bad, "mallory", "wrong".toCharArray());
        assertThat(guard.login("ftp", bad, "alice", "right".toCharArray())).isEmpty();   // banned by now

        assertThat(told).containsExactly(
                "pop3 127.0.0.3 alice true",
                "ftp 127.0.0.4 alice false",
                "ftp 127.0.0.4 mallory false",
                "banned 127.0.0.4 PT5M",
                "ftp 127.0.0.4 alice false");
    }
}
