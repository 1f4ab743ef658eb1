package dev.portico.server;

import dev.portico.core.Events;
import dev.portico.core.Settings;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.Permission;
import dev.portico.smtp.relay.QueueStore;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay as Portico wires it: mail from a logged-in user to another domain is queued, tried, logged. */
@Timeout(30)
class PorticoRelayTest {

    @TempDir Path dir;

    @Test
    void aLoggedInUsersMailToAnotherDomainIsQueuedAndEachAttemptLogged() throws Exception {
        new FileUserDirectory(Portico.usersFile(dir)).add("alice", "pw-alice".toCharArray(), EnumSet.of(Permission.READ));
        int down;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            down = s.getLocalPort();
        }
        try (Portico p = Portico.start(Settings.of("data", dir.toString(), "users.hash-iterations", "1000",
                "telnet.port", "off", "ftp.port", "off", "pop3.port", "off", "imap.port", "off", "smtp.port", "0",
                "smtp.auth.plaintext", "true",
                "smtp.relay.host", "127.0.0.1:" + down, "smtp.relay.retry", "1h", "log.maillog", "maillog"));
             RawClient c = new RawClient(p.port("smtp"))) {
            c.expect("220");
            c.send("EHLO client.example");
            c.expect("250 ");
            c.send("MAIL FROM:<alice@localhost>");
            c.expect("250");
            c.send("RCPT TO:<someone@example.net>");
            assertThat(c.readLine()).startsWith("554 5.7.1");    // not logged in: no relay
            c.send("RSET");
            c.expect("250");
            c.send("AUTH PLAIN " + Base64.getEncoder().encodeToString("\0alice\0pw-alice".getBytes(StandardCharsets.UTF_8)));
            c.expect("235");
            c.send("MAIL FROM:<alice@localhost>");
            c.expect("250");
            c.send("RCPT TO:<someone@example.net>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("Subject: onward\r\n\r\nhello\r\n.\r\n");
            assertThat(c.readLine()).startsWith("250 2.0.0 Ok: queued as ");
            Path maillog = dir.resolve("maillog");
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.readString(maillog).contains("status=deferred") && System.nanoTime() < end) Thread.sleep(20);
            assertThat(Files.readString(maillog)).containsPattern(
                    "portico/smtp\\[\\d+\\]: [0-9A-F]+: to=<someone@example.net>, relay=none, delay=[0-9.]+, dsn=4.4.1, status=deferred \\(451 4.4.1 connect to ");
            assertThat(new QueueStore(Portico.queueDir(dir)).describe())
                    .anyMatch(l -> l.contains("<alice@localhost>"))
                    .anyMatch(l -> l.contains("pending") && l.contains("<someone@example.net>") && l.contains("attempts=1"));
        }
    }

    @Test
    void theMailLogLineOfADeliveryIsPostfixs() {
        MailLog log = new MailLog(null, ZoneOffset.UTC, "mail.example");
        String line = log.line(new Events.DeliveryAttempt(Instant.parse("2026-12-02T05:05:47Z"), "19AD4F3C2B10001",
                "bob@example.net", "mx.example.net[192.0.2.9]:25", Duration.ofMillis(1234), "2.0.0", "sent",
                "250 2.0.0 Ok: queued\r\nFAKE"));
        assertThat(line).matches("Dec  2 05:05:47 mail.example portico/smtp\\[\\d+\\]: 19AD4F3C2B10001: to=<bob@example.net>, "
                + "relay=mx.example.net\\[192.0.2.9\\]:25, delay=1.2, dsn=2.0.0, status=sent \\(250 2.0.0 Ok: queued.*FAKE\\)");
        assertThat(line).doesNotContain("\n").doesNotContain("\r");
    }
}
