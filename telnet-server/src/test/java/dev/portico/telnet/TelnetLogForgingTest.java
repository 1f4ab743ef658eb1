package dev.portico.telnet;

import ch.qos.logback.classic.Level;
import dev.portico.core.auth.LoginGuard;
import dev.portico.testing.LogCapture;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, item 4: the line editor drops C0 controls, but UTF-8 brings C1 controls (NEL, U+0085,
 * ends a line for some log readers) and the Unicode line separator into login names and shell
 * verbs; the log gets them escaped.
 */
@Timeout(30)
class TelnetLogForgingTest {

    @TempDir Path dir;
    @RegisterExtension final TelnetTestServer portico = new TelnetTestServer();

    @Test
    void loginNamesAndVerbsAreLoggedEscaped() throws IOException {
        portico.start(dir);
        try (LogCapture log = LogCapture.of(Level.DEBUG, LoginGuard.class, TelnetSession.class)) {
            TelnetPeer p = portico.peer(TelnetPeer.Policy.TERMINAL);
            p.readUntil(TelnetReplies.LOGIN_PROMPT);
            p.line("nobody\u0085FORGED-LOGIN\u2028x");
            p.readUntil(TelnetReplies.PASSWORD_PROMPT);
            p.line("x");
            p.readUntil(TelnetReplies.LOGIN_INCORRECT);
            p.readUntil(TelnetReplies.LOGIN_PROMPT);
            p.line("alice");
            p.readUntil(TelnetReplies.PASSWORD_PROMPT);
            p.line(TestServices.ALICE_PASSWORD);
            p.readUntil(TelnetReplies.PROMPT_END);
            p.run("ls\u0085FORGED-VERB");

            assertThat(log.assertEscaped("FORGED-LOGIN")).singleElement().asString()
                    .contains("failed login as nobody\\x85FORGED-LOGIN\\u2028x from");
            assertThat(log.assertEscaped("FORGED-VERB")).anyMatch(m -> m.endsWith(" ls\\x85FORGED-VERB"));
        }
    }
}
