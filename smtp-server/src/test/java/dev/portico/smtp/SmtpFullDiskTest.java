package dev.portico.smtp;

import dev.portico.testing.FullDisk;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real full disk ({@link FullDisk}: a tiny tmpfs filled up) under the data folder: every message
 * that cannot be stored gets 452 4.3.1 (RFC 5321 4.2.2, RFC 3463 3.4), whether it fails in the
 * spool (over {@code smtp.spool-memory}) or in the Maildir, by DATA or by BDAT, and the session
 * goes on: once there is room again the next message on the same connection is delivered.
 */
@Timeout(30)
class SmtpFullDiskTest {

    private static final String HEADERS = "From: a@example.org\r\nTo: alice@localhost\r\nDate: Sun, 22 Nov 2026 04:00:00 +0000\r\n"
            + "Subject: full\r\n\r\n";

    // Registered first (@Order), so it is torn down after the server.
    @RegisterExtension
    @Order(1)
    final FullDisk disk = FullDisk.create();
    @RegisterExtension
    @Order(2)
    final SmtpTestSupport smtp = new SmtpTestSupport();

    private Path data;

    private RawClient startOnFullDisk() throws IOException {
        data = disk.mount(2 << 20, 1000).resolve("data");
        // a small spool threshold, so a message of a few hundred KiB is sure to spill
        smtp.start(data, SmtpTestSupport.settings("smtp.spool-memory", "16K"));
        RawClient c = smtp.greeted();
        disk.fillBlocks();
        return c;
    }

    private static String text(int octets) {
        StringBuilder b = new StringBuilder(HEADERS);
        while (b.length() < octets) b.append("0123456789".repeat(7)).append("\r\n");
        return b.toString();
    }

    private static void data(RawClient c, String text, String reply) throws IOException {
        c.send("MAIL FROM:<sender@example.org>").expect("250 2.1.0");
        c.send("RCPT TO:<alice@localhost>").expect("250 2.1.5");
        c.send("DATA").expect("354");
        c.sendRaw(text + ".\r\n");
        assertThat(c.readLine()).isEqualTo(reply);
    }

    @Test
    void aSmallMessageFailingInTheMaildirGets452AndTheSessionGoesOn() throws IOException {
        try (RawClient c = startOnFullDisk()) {
            data(c, text(2_000), SmtpReplies.INSUFFICIENT_STORAGE.toString());
            c.send("NOOP").expect("250");
            disk.free();
            data(c, text(2_000), SmtpReplies.DELIVERED.toString());
        }
        assertThat(smtp.messages("alice")).hasSize(1);
        assertNoTemporaries();
    }

    @Test
    void aLargeMessageFailingInTheSpoolGets452AfterItsLastLineAndTheSessionGoesOn() throws IOException {
        try (RawClient c = startOnFullDisk()) {
            // Before the fix the spool's IOException ended the connection right after the final dot.
            data(c, text(300_000), SmtpReplies.INSUFFICIENT_STORAGE.toString());
            c.send("NOOP").expect("250");
            disk.free();
            data(c, text(300_000), SmtpReplies.DELIVERED.toString());
        }
        assertThat(smtp.messages("alice")).singleElement().satisfies(m -> assertThat(m.length).isGreaterThan(300_000));
        assertNoTemporaries();
    }

    @Test
    void bdatChunksFailingInTheSpoolGet452AndLaterChunksAreReadAway() throws IOException {
        try (RawClient c = startOnFullDisk()) {
            c.send("MAIL FROM:<sender@example.org>").expect("250 2.1.0");
            c.send("RCPT TO:<alice@localhost>").expect("250 2.1.5");
            String chunk = text(200_000);
            c.send("BDAT " + chunk.length());
            c.sendRaw(chunk);
            assertThat(c.readLine()).isEqualTo(SmtpReplies.INSUFFICIENT_STORAGE.toString());
            // RFC 3030 2: a client should stop; one that does not has its chunk read and refused in order.
            c.send("BDAT 5 LAST");
            c.sendRaw("hello");
            c.expect("503");
            c.send("NOOP").expect("250");
        }
        assertNoTemporaries();
    }

    /** Nothing half-written stays behind in the spool or in a Maildir's tmp/. */
    private void assertNoTemporaries() throws IOException {
        for (Path dir : new Path[]{data.resolve("tmp").resolve("smtp"), data.resolve("mail").resolve("alice").resolve("Maildir").resolve("tmp")}) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).as(dir.toString()).isEmpty();
            }
        }
    }
}
