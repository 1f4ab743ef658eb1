package dev.portico.smtp;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, defect 2, for SMTP: a client dribbling a byte at a time, each inside the idle
 * timeout, is closed with {@code 421 4.4.2} once its command line takes longer than
 * {@code smtp.command-timeout} or its message body arrives slower than {@code smtp.min-data-rate}.
 * Before, such a client kept its session for ever.
 */
@Timeout(30)
class SmtpSlowClientTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final SmtpTestSupport smtp = new SmtpTestSupport();


    /** Expects the timeout reply within {@code atMostMillis} and the close. */
    private static void expectTimedOut(RawClient c, long startNanos, long atMostMillis) throws IOException {
        c.expect("421 4.4.2 ");
        assertThat((System.nanoTime() - startNanos) / 1_000_000).isLessThan(atMostMillis);
        c.expectClosed();
    }

    @Test
    void aCommandLineDribbledPastTheCommandTimeoutGets421() throws Exception {
        smtp.start(dir, SmtpTestSupport.settings("smtp.idle-timeout", "5s", "smtp.command-timeout", "1s"));
        try (RawClient c = smtp.greeted()) {
            c.timeout(4000);
            long start = System.nanoTime();
            Thread t = c.dribble("MAIL FROM:<someone-very-patient@example.org>", 100);   // 4.5 s if not cut
            expectTimedOut(c, start, 3500);
            t.join(5000);
        }
    }

    @Test
    void aMessageBodySlowerThanTheMinimumRateGets421AndNothingIsDelivered() throws Exception {
        smtp.start(dir, SmtpTestSupport.settings("smtp.min-data-rate", "1000", "smtp.min-data-rate-window", "1s"));
        try (RawClient c = smtp.greeted()) {
            c.timeout(4000);
            c.send("MAIL FROM:<a@example.org>").expect("250");
            c.send("RCPT TO:<alice@localhost>").expect("250");
            c.send("DATA").expect("354");
            long start = System.nanoTime();
            // 10 bytes a second, a hundredth of the minimum: each byte far inside the idle timeout
            Thread t = c.dribble("Subject: slow\r\n\r\n" + "x".repeat(60), 100);
            expectTimedOut(c, start, 3500);
            t.join(5000);
        }
        assertThat(smtp.messages("alice")).isEmpty();
    }

    @Test
    void bdatChunksSlowerThanTheMinimumRateGet421() throws Exception {
        smtp.start(dir, SmtpTestSupport.settings("smtp.min-data-rate", "1000", "smtp.min-data-rate-window", "1s"));
        try (RawClient c = smtp.greeted()) {
            c.timeout(4000);
            c.send("MAIL FROM:<a@example.org>").expect("250");
            c.send("RCPT TO:<alice@localhost>").expect("250");
            c.sendRaw("BDAT 100 LAST\r\n");
            long start = System.nanoTime();
            Thread t = c.dribble("x".repeat(100), 100);
            expectTimedOut(c, start, 3500);
            t.join(5000);
        }
        assertThat(smtp.messages("alice")).isEmpty();
    }

    @Test
    void aFastClientIsNotTouchedByTheLimits() throws Exception {
        smtp.start(dir, SmtpTestSupport.settings("smtp.command-timeout", "1s", "smtp.min-data-rate", "1000",
                "smtp.min-data-rate-window", "1s"));
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<a@example.org>").expect("250");
            c.send("RCPT TO:<alice@localhost>").expect("250");
            c.send("DATA").expect("354");
            c.sendRaw("Subject: fast\r\n\r\n" + ("y".repeat(76) + "\r\n").repeat(1300) + ".\r\n");
            c.expect("250 2.0.0");
        }
        assertThat(smtp.messages("alice")).hasSize(1);
    }
}
