package dev.portico.server;

import dev.portico.core.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The activity log files: a client's text cannot forge a line, lines written from many threads
 * at once stay whole, and {@code logrotate copytruncate} leaves a file that starts with the next line.
 */
@Timeout(30)
class ActivityLogFilesTest {

    @TempDir Path dir;

    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    @Test
    void aFileNameOrAnAddressCannotEndTheLineAndForgeAnother() {
        Events.FileTransfer t = new Events.FileTransfer(Instant.parse("2026-12-02T05:05:46Z"), Duration.ofMillis(1400),
                CLIENT, "bob", "/x\nWed Dec  2 05:05:47 2026 1 10.0.0.1 1 /etc/passwd b _ o r root ftp 0 * c", 5,
                false, false, false, false, false);
        String xfer = XferLog.line(t, ZoneOffset.UTC);
        assertThat(xfer).doesNotContain("\n").startsWith("Wed Dec  2 05:05:47 2026 1 127.0.0.1 5 /x\\nWed_Dec__2_");
        assertThat(xfer.split(" +")).hasSize(18);
        assertThat(xfer).endsWith(" a _ o r bob ftp 0 * i");   // ASCII, download, incomplete

        Events.MailTransaction m = new Events.MailTransaction(Instant.parse("2026-12-02T05:05:47Z"), "3.1", CLIENT,
                "client\r\nDec  2 05:05:47 host portico/smtpd[1]: forged", null, "eve@example.org",
                List.of("alice@localhost", "x>\rforged@localhost"), 1200, "250 2.0.0 Ok: message accepted",
                Duration.ofMillis(30), Duration.ofMillis(3));
        String mail = new MailLog(null, ZoneOffset.UTC, "mail.example").line(m);
        assertThat(mail).doesNotContain("\n", "\r").startsWith("Dec  2 05:05:47 mail.example portico/smtpd[")
                .contains("]: 3.1: client=unknown[127.0.0.1], from=<eve@example.org>, size=1200, nrcpt=2, "
                        + "to=<alice@localhost>, to=<x>\\rforged@localhost>, status=sent (250 2.0.0 Ok: message accepted)");
    }

    @Test
    void linesFromManyThreadsStayWholeAndCopytruncateLeavesNoHole() throws Exception {
        Path path = dir.resolve("sub/xferlog");
        try (LogFile log = LogFile.open(path)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 200; i++) log.append("thread " + id + " line " + i + " " + "x".repeat(300));
                }));
            }
            for (Thread t : threads) t.join(10_000);
            List<String> lines = Files.readAllLines(path);
            assertThat(lines).hasSize(1600).allMatch(l -> l.matches("thread [0-7] line \\d+ x{300}"));
            assertThat(new HashSet<>(lines)).hasSize(1600);

            // logrotate's copytruncate: copy, then truncate the file under the writer's open handle
            try (FileChannel rotate = FileChannel.open(path, StandardOpenOption.WRITE)) {
                rotate.truncate(0);
            }
            log.append("after the rotation");
            assertThat(Files.readString(path, StandardCharsets.UTF_8)).isEqualTo("after the rotation\n");
        }
    }

    @Test
    void aRelativePathIsInTheDataFolder() throws IOException {
        try (Portico p = Portico.start(dev.portico.core.Settings.of("data", dir.toString(), "users.hash-iterations", "1000",
                "telnet.port", "off", "ftp.port", "off", "smtp.port", "off", "pop3.port", "off", "imap.port", "off",
                "log.xferlog", "logs/xferlog", "log.maillog", dir.resolve("elsewhere/maillog").toString()))) {
            assertThat(p.dataDir().resolve("logs/xferlog")).exists();
            assertThat(dir.resolve("elsewhere/maillog")).exists();
        }
    }
}
