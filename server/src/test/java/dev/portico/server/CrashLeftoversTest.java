package dev.portico.server;

import ch.qos.logback.classic.Level;
import dev.portico.core.Settings;
import dev.portico.core.fs.FileStores;
import dev.portico.ftp.FtpServer;
import dev.portico.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a {@code kill -9} leaves in a data folder is removed when Portico starts on it again: FTP
 * upload temporaries (hidden from listings, so their owners cannot delete them) in every home and
 * the anonymous root, and Maildir {@code tmp/} files older than 36 hours; younger ones may be
 * deliveries in progress and stay. One INFO line says how many files and bytes went.
 */
@Timeout(30)
class CrashLeftoversTest {

    @TempDir
    Path data;
    // the test configuration logs WARN and above only
    private final LogCapture log = LogCapture.of(Level.INFO, Portico.class);

    @AfterEach
    void releaseTheLog() {
        log.close();
    }

    private Path file(String relative, int size, Duration age) throws IOException {
        Path p = data.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[size]);
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
        return p;
    }

    private Portico start() throws IOException {
        return Portico.start(Settings.of("data", data.toString(), "telnet.port", "off", "ftp.port", "off",
                "smtp.port", "off", "pop3.port", "off", "imap.port", "off", "users.hash-iterations", "1000"));
    }

    @Test
    void uploadTemporariesAndStaleMaildirTmpFilesGoAtStartYoungOnesStay() throws IOException {
        String upload = FtpServer.UPLOAD_PREFIX;
        Path[] gone = {
                file("files/alice/" + upload + "k3j2", 1000, Duration.ZERO),
                file("files/alice/deep/er/" + upload + "x", 500, Duration.ofDays(3)),
                file("files/bob/" + upload + "y", 24, Duration.ofMinutes(1)),
                file("anonymous/pub/" + upload + "z", 200, Duration.ZERO),
                file("mail/alice/Maildir/tmp/1700000000.M1P9Q1.host", 300, Duration.ofHours(37)),
                file("mail/bob/Maildir/.Sent/tmp/1700000000.M2P9Q2.host", 76, Duration.ofDays(30)),
        };
        Path[] kept = {
                file("files/alice/report.pdf", 10, Duration.ofDays(3)),
                file("files/alice/portico-upload-not-hidden", 10, Duration.ofDays(3)),
                file("mail/alice/Maildir/tmp/1700000000.M3P9Q3.host", 100, Duration.ofHours(1)),
                file("mail/alice/Maildir/new/1700000000.M4P9Q4.host,S=10,W=10", 10, Duration.ofDays(90)),
                file("mail/alice/Maildir/cur/1700000000.M5P9Q5.host,S=10,W=10:2,S", 10, Duration.ofDays(90)),
        };
        try (Portico ignored = start()) {
            // the walk runs beside the servers, after ready; close() waits for it
        }
        for (Path p : gone) assertThat(p).doesNotExist();
        for (Path p : kept) assertThat(p).exists();
        assertThat(log.containing("removed what a crash left")).containsExactly(
                "removed what a crash left: 4 FTP upload temporaries (1724 bytes), "
                        + "2 Maildir tmp/ files older than 36 h (376 bytes)");
    }

    @Test
    void aCleanDataFolderLogsNothing() throws IOException {
        file("mail/alice/Maildir/tmp/1700000000.M3P9Q3.host", 100, Duration.ofHours(35));
        try (Portico ignored = start()) {
            // as above
        }
        assertThat(data.resolve("mail/alice/Maildir/tmp/1700000000.M3P9Q3.host")).exists();
        assertThat(log.containing("removed what a crash left")).isEmpty();
    }

    @Test
    void theWalkNeverTakesAnUploadOfThisProcess() throws IOException {
        // The walk runs while sessions upload: a temporary under this process's own prefix is one in progress.
        Path mine = file("files/alice/" + FileStores.uploadPrefix() + "k3j2", 1000, Duration.ofDays(3));
        Path crashed = file("files/alice/" + FtpServer.UPLOAD_PREFIX + "0a1b2c-k3j2", 1000, Duration.ZERO);
        try (Portico ignored = start()) {
            // as above
        }
        assertThat(mine).exists();
        assertThat(crashed).doesNotExist();
    }
}
