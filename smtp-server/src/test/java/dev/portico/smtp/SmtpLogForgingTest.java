package dev.portico.smtp;

import ch.qos.logback.classic.Level;
import dev.portico.core.auth.LoginGuard;
import dev.portico.testing.LogCapture;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, item 4: what a client sends reaches the log escaped, one line per event, never a
 * forged line. Real sockets; the log captured from the loggers that write the client's values.
 */
@Timeout(30)
class SmtpLogForgingTest {

    @TempDir Path dir;
    @RegisterExtension final SmtpTestSupport smtp = new SmtpTestSupport();

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void authNamesWithLineFeedsAndNulsAreLoggedEscaped() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.auth.plaintext", "true", "smtp.max-auth-failures", "10"));
        try (LogCapture log = LogCapture.of(Level.INFO, LoginGuard.class);
             RawClient c = smtp.greeted()) {
            c.send("AUTH PLAIN " + b64("\0nobody\n12:00:00.000 INFO LoginGuard - smtp: alice logged in FORGED-PLAIN\0pw"));
            c.expect("535");
            c.send("AUTH LOGIN " + b64("x\r12:00:00.000 INFO FORGED-LOGIN\0"));
            c.expect("334");
            c.send(b64("pw"));
            c.expect("535");
            assertThat(log.assertEscaped("FORGED-PLAIN")).singleElement().asString()
                    .contains("failed login as nobody\\n12:00:00.000 INFO LoginGuard - smtp: alice logged in FORGED-PLAIN from");
            assertThat(log.assertEscaped("FORGED-LOGIN")).singleElement().asString()
                    .contains("failed login as x\\r12:00:00.000 INFO FORGED-LOGIN\\x00 from");
        }
    }

    /**
     * SMTPUTF8 lets any character above 127 into an address (RFC 6531), C1 controls and the Unicode
     * line separator included; a command line may carry NUL and ESC.
     */
    @Test
    void addressesAndCommandLinesWithControlCharactersAreLoggedEscaped() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (LogCapture log = LogCapture.of(Level.DEBUG, SmtpMailCommands.class, SmtpDataCommands.class, SmtpSession.class);
             RawClient c = smtp.greeted()) {
            c.send("NOOP \0\u001b[2J FORGED-NOOP");
            c.expect("250");
            c.send("MAIL FROM:<forged\u0085FORGED-FROM@example.org> SMTPUTF8");
            c.expect("250");
            c.send("RCPT TO:<nobody\u2028FORGED-RCPT@localhost>");
            c.expect("550");
            c.send("RCPT TO:<alice@localhost>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("From: x@example.org\r\nSubject: t\r\n\r\nhi\r\n.\r\n");
            c.expect("250");

            assertThat(log.assertEscaped("FORGED-NOOP")).anyMatch(m -> m.contains("NOOP \\x00\\x1b[2J FORGED-NOOP"));
            assertThat(log.assertEscaped("FORGED-RCPT")).anyMatch(m -> m.contains("recipient <nobody\\u2028FORGED-RCPT@localhost> refused"));
            assertThat(log.assertEscaped("FORGED-FROM"))
                    .anyMatch(m -> m.contains("MAIL FROM:<forged\\x85FORGED-FROM@example.org> SMTPUTF8"))
                    .anyMatch(m -> m.contains("from <forged\\x85FORGED-FROM@example.org> to 1 recipient(s)"));
        }
    }
}
