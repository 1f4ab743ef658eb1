package dev.portico.pop3;

import ch.qos.logback.classic.Level;
import dev.portico.core.auth.LoginGuard;
import dev.portico.testing.LogCapture;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, item 4: login names and command lines reach the log escaped, whatever control
 * characters the client put in them. Real sockets; the log captured from the writing loggers.
 */
@Timeout(30)
class Pop3LogForgingTest {

    @RegisterExtension final Pop3Fixture pop3 = new Pop3Fixture();

    @Test
    void loginNamesAndCommandLinesAreLoggedEscaped() throws IOException {
        pop3.start("pop3.max-login-failures", "10");
        try (LogCapture log = LogCapture.of(Level.DEBUG, LoginGuard.class, Pop3Session.class);
             RawClient c = pop3.raw()) {
            String plain = "\0nobody\n12:00:00.000 INFO LoginGuard - pop3: alice logged in FORGED-PLAIN\0pw";
            c.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)));
            c.expect("-ERR");
            // POP3 reads a bare CR as data (only LF or CR LF ends a line): it reaches the name.
            c.send("USER x\r12:00 FORGED-USER\0y").expect("+OK");
            c.send("PASS pw").expect("-ERR");
            c.send("NOOP \u001b[2J FORGED-NOOP").expect("-ERR");

            assertThat(log.assertEscaped("FORGED-PLAIN")).singleElement().asString()
                    .contains("failed login as nobody\\n12:00:00.000 INFO LoginGuard - pop3: alice logged in FORGED-PLAIN from");
            assertThat(log.assertEscaped("FORGED-USER"))
                    .anyMatch(m -> m.contains("failed login as x\\r12:00 FORGED-USER\\x00y from"))
                    .anyMatch(m -> m.contains("USER x\\r12:00 FORGED-USER\\x00y"));
            assertThat(log.assertEscaped("FORGED-NOOP")).anyMatch(m -> m.contains("NOOP \\x1b[2J FORGED-NOOP"));
        }
    }
}
