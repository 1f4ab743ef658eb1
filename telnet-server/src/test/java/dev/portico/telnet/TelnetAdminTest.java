package dev.portico.telnet;

import dev.portico.core.auth.LoginGuard;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The console commands of admin users. */
@Timeout(30)
class TelnetAdminTest {

    @TempDir Path dir;
    @RegisterExtension final TelnetTestServer portico = new TelnetTestServer();
    TelnetPeer alice;

    @BeforeEach
    void start() throws IOException {
        // A ban after two failures, so a test can ban an address cheaply.
        portico.start(TestServices.create(dir, new LoginGuard.Policy(
                Duration.ofMillis(1), Duration.ofMillis(5), 2, Duration.ofMinutes(1), Duration.ofMinutes(1))));
        alice = portico.shell("alice", TestServices.ALICE_PASSWORD);
    }

    @Test
    void sessionsListsEverySessionAndKickClosesOne() throws IOException {
        try (TelnetPeer bob = portico.loggedIn(TelnetPeer.Policy.TERMINAL, "bob", TestServices.BOB_PASSWORD)) {
            String sessions = alice.run("sessions");
            assertThat(sessions).contains("ID", "PROTO", "USER", "ADDRESS", "IDLE", "alice", "bob", "telnet");
            long bobId = portico.services.sessions().sessions().stream()
                    .filter(s -> "bob".equals(s.user())).findFirst().orElseThrow().id();
            assertThat(alice.run("kick " + bobId)).isEqualTo("session " + bobId + " closed\n");
            bob.expectClosed();
            assertThat(alice.run("kick 999999")).isEqualTo("kick: no session 999999\n");
            assertThat(alice.run("kick me")).isEqualTo("kick: not a session id: me\n");
        }
        long mine = portico.services.sessions().sessions().get(0).id();
        assertThat(alice.run("kick " + mine)).contains("this session");
    }

    @Test
    void queueWithoutARelayIsEmptyAndNamesWhatItTakes() throws IOException {
        assertThat(alice.run("queue")).isEqualTo("The queue is empty.\n");
        assertThat(alice.run("queue flush")).isEqualTo("0 message(s) due now\n");
        assertThat(alice.run("queue delete 19AD4F3C2B10001")).isEqualTo("queue: no message 19AD4F3C2B10001\n");
        assertThat(alice.run("queue bounce")).isEqualTo("usage: queue bounce ID\n");
        assertThat(alice.run("queue purge")).isEqualTo("usage: queue [list | flush | delete ID | bounce ID]\n");
    }

    @Test
    void bansAndUnban() throws IOException {
        assertThat(alice.run("bans")).isEqualTo("No banned addresses.\n");
        InetAddress bad = InetAddress.getByName("192.0.2.7");
        portico.services.logins().login("test", bad, "alice", "wrong".toCharArray());
        portico.services.logins().login("test", bad, "alice", "wrong".toCharArray());
        assertThat(alice.run("bans")).contains("192.0.2.7", "until");
        assertThat(alice.run("unban 192.0.2.7")).isEqualTo("192.0.2.7 unbanned\n");
        assertThat(alice.run("unban 192.0.2.7")).isEqualTo("192.0.2.7 was not banned\n");
        assertThat(alice.run("unban example.com")).isEqualTo("unban: not an IP address: example.com\n");
        assertThat(alice.run("bans")).isEqualTo("No banned addresses.\n");
    }

    @Test
    void anIpv6BanIsListedAndLiftedByItsPrefix() throws IOException {
        portico.services.logins().login("test", InetAddress.getByName("2001:db8:7:7::1"), "alice", "wrong".toCharArray());
        portico.services.logins().login("test", InetAddress.getByName("2001:db8:7:7::2"), "alice", "wrong".toCharArray());
        assertThat(alice.run("bans")).contains("2001:db8:7:7:0:0:0:0/64", "until");
        assertThat(alice.run("unban 2001:db8:7:7::/64")).isEqualTo("2001:db8:7:7:0:0:0:0/64 unbanned\n");
        portico.services.logins().login("test", InetAddress.getByName("2001:db8:7:7::1"), "alice", "wrong".toCharArray());
        portico.services.logins().login("test", InetAddress.getByName("2001:db8:7:7::1"), "alice", "wrong".toCharArray());
        // any address of the prefix lifts it too
        assertThat(alice.run("unban 2001:db8:7:7::beef")).isEqualTo("2001:db8:7:7:0:0:0:0/64 unbanned\n");
        assertThat(alice.run("unban 2001:db8::/999")).isEqualTo("unban: not an address block: 2001:db8::/999\n");
        assertThat(alice.run("bans")).isEqualTo("No banned addresses.\n");
    }

    @Test
    void usersAddPasswdRemoveAndList() throws IOException {
        assertThat(alice.run("users")).containsPattern("alice +read,write,admin\n").containsPattern("bob +read\n");
        assertThat(alice.run("users add carol first-pw")).isEqualTo("user carol added (read, write)\n");
        try (TelnetPeer carol = portico.shell("carol", "first-pw")) {
            assertThat(carol.run("whoami")).isEqualTo("carol\n");
        }
        assertThat(alice.run("users passwd carol second-pw")).isEqualTo("password of carol changed\n");
        try (TelnetPeer carol = portico.shell("carol", "second-pw")) {
            assertThat(carol.run("whoami")).isEqualTo("carol\n");
        }
        assertThat(alice.run("users add carol x")).contains("already exists");
        assertThat(alice.run("users add 'Bad Name' x")).contains("invalid name");
        assertThat(alice.run("users remove alice")).isEqualTo("users: you cannot remove yourself\n");
        assertThat(alice.run("users remove carol")).isEqualTo("user carol removed\n");
        assertThat(alice.run("users remove carol")).contains("no user carol");
        assertThat(alice.run("users frob")).startsWith("usage: users");
        assertThat(alice.run("history")).contains("users add carol ********").doesNotContain("first-pw", "second-pw");
    }

    @Test
    void statsShowsPerServerTotals() throws IOException {
        assertThat(alice.run("stats")).contains("SERVER", "telnet").containsPattern("telnet +1 +1 ");
    }
}
