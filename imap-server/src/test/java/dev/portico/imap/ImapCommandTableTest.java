package dev.portico.imap;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every gate of {@link ImapVerb#TABLE}, one row each, over a real socket: the state a command
 * needs, LOGINDISABLED on plain connections, and the budget unknown commands share. Each row ends
 * by checking that the session is closed or still answers.
 */
@Timeout(10)
class ImapCommandTableTest {

    @RegisterExtension
    final ImapFixture imap = new ImapFixture();

    enum Before {
        GREETING, LOGGED_IN, SELECTED, STARTTLS, ONE_UNKNOWN;

        void run(RawClient c) throws IOException {
            switch (this) {
                case GREETING -> { }
                case LOGGED_IN -> ImapFixture.command(c, "L LOGIN alice " + ImapFixture.ALICE);
                case SELECTED -> {
                    ImapFixture.command(c, "L LOGIN alice " + ImapFixture.ALICE);
                    ImapFixture.command(c, "S SELECT INBOX");
                }
                case STARTTLS -> {
                    ImapFixture.command(c, "T STARTTLS");
                    c.startTls();
                }
                case ONE_UNKNOWN -> assertThat(c.send("U XYZZY").readLine()).isEqualTo("U BAD unknown command");
            }
        }
    }

    private static final String PLAIN = Base64.getEncoder()
            .encodeToString(("\0alice\0" + ImapFixture.ALICE).getBytes(StandardCharsets.UTF_8));
    private static final String TLS_REQUIRED = "imap.tls.required=true";
    private static final String BUDGET_ONE = "imap.max-unknown-commands=1";

    static Stream<Arguments> rows() {
        return Stream.of(
                arguments("", Before.GREETING, "SELECT INBOX", ImapReplies.LOGIN_FIRST),
                arguments("", Before.GREETING, "FETCH 1 FLAGS", ImapReplies.LOGIN_FIRST),
                arguments("", Before.GREETING, "ENABLE CONDSTORE", ImapReplies.LOGIN_FIRST),
                arguments("", Before.LOGGED_IN, "LOGIN alice x", ImapReplies.ALREADY_AUTHENTICATED),
                arguments("", Before.LOGGED_IN, "STARTTLS", ImapReplies.ALREADY_AUTHENTICATED),
                arguments("", Before.LOGGED_IN, "FETCH 1 FLAGS", ImapReplies.SELECT_FIRST),
                arguments("", Before.LOGGED_IN, "EXPUNGE", ImapReplies.SELECT_FIRST),
                arguments("", Before.SELECTED, "AUTHENTICATE PLAIN " + PLAIN, ImapReplies.ALREADY_AUTHENTICATED),
                arguments("", Before.GREETING, "LOGIN alice wrong", ImapReplies.AUTH_FAILED),
                arguments(TLS_REQUIRED, Before.GREETING, "LOGIN alice " + ImapFixture.ALICE, ImapReplies.LOGIN_DISABLED),
                arguments(TLS_REQUIRED, Before.GREETING, "AUTHENTICATE PLAIN " + PLAIN, ImapReplies.LOGIN_DISABLED),
                arguments(TLS_REQUIRED, Before.STARTTLS, "AUTHENTICATE PLAIN " + PLAIN, null),
                arguments("", Before.GREETING, "AUTHENTICATE PLAIN " + PLAIN, null),
                arguments(BUDGET_ONE, Before.GREETING, "XYZZY", ImapReplies.UNKNOWN_COMMAND),
                arguments(BUDGET_ONE, Before.ONE_UNKNOWN, "XYZZY", ImapReplies.TOO_MANY_BAD),
                arguments(BUDGET_ONE, Before.ONE_UNKNOWN, "NOOP", ImapReply.ok("NOOP completed")));
    }

    @ParameterizedTest(name = "[{0}] after {1}: {2} -> {3}")
    @MethodSource("rows")
    void theTableAppliesEveryGate(String setting, Before before, String line, ImapReply expected) throws IOException {
        imap.start(setting.isEmpty() ? new String[0] : setting.split("=", 2));
        try (RawClient c = imap.raw()) {
            before.run(c);
            String answer = c.send("X " + line).readLine();
            if (expected == null) {
                assertThat(answer).startsWith("X OK");
            } else {
                assertThat(answer).isEqualTo(expected.line("X"));
            }
            if (expected != null && expected.close()) {
                c.expectClosed();
            } else {
                ImapFixture.command(c, "Y NOOP");   // refused, yet the session goes on
            }
        }
    }
}
