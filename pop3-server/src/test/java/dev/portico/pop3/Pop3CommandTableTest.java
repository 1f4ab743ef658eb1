package dev.portico.pop3;

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
 * Every gate of {@link Pop3Verb#TABLE}, one row each, over a real socket: the state a verb needs,
 * the TLS requirement of USER, PASS and AUTH, and the budget that unknown verbs and over-long
 * lines share. Each row ends by checking that the session is closed or still answers.
 */
@Timeout(10)
class Pop3CommandTableTest {

    @RegisterExtension
    final Pop3Fixture pop3 = new Pop3Fixture();

    /** How far the session gets before the row's line is sent. */
    enum Before {
        GREETING,
        LOGGED_IN,
        STLS,
        ONE_UNKNOWN_VERB,
        ONE_LINE_TOO_LONG;

        void run(RawClient c) throws IOException {
            switch (this) {
                case GREETING -> { }
                case LOGGED_IN -> Pop3Fixture.login(c);
                case STLS -> {
                    c.send("STLS").expect(Pop3Replies.STLS_GO_AHEAD.line());
                    c.startTls();
                }
                case ONE_UNKNOWN_VERB -> assertThat(c.send("BOGUS").readLine()).isEqualTo(Pop3Replies.UNKNOWN_COMMAND.line());
                case ONE_LINE_TOO_LONG -> assertThat(c.send("NOOP " + "x".repeat(300)).readLine())
                        .isEqualTo(Pop3Replies.LINE_TOO_LONG.line());
            }
        }
    }

    private static final String PLAIN_ALICE = Base64.getEncoder()
            .encodeToString(("\0alice\0" + Pop3Fixture.ALICE).getBytes(StandardCharsets.UTF_8));
    private static final String TLS_REQUIRED = "pop3.tls.required=true";
    private static final String BUDGET_ONE = "pop3.max-unknown-commands=1";

    static Stream<Arguments> rows() {
        return Stream.of(
                // state (RFC 1939 §3)
                arguments("", Before.GREETING, "STAT", Pop3Replies.LOGIN_FIRST),
                arguments("", Before.GREETING, "RETR 1", Pop3Replies.LOGIN_FIRST),
                arguments("", Before.LOGGED_IN, "USER alice", Pop3Replies.ALREADY_LOGGED_IN),
                arguments("", Before.LOGGED_IN, "STLS", Pop3Replies.ALREADY_LOGGED_IN),
                // TLS gate (pop3.tls.required); a bare AUTH, the mechanism listing, has it too
                arguments(TLS_REQUIRED, Before.GREETING, "USER alice", Pop3Replies.TLS_REQUIRED),
                arguments(TLS_REQUIRED, Before.GREETING, "PASS " + Pop3Fixture.ALICE, Pop3Replies.TLS_REQUIRED),
                arguments(TLS_REQUIRED, Before.GREETING, "AUTH PLAIN " + PLAIN_ALICE, Pop3Replies.TLS_REQUIRED),
                arguments(TLS_REQUIRED, Before.GREETING, "AUTH", Pop3Replies.TLS_REQUIRED),
                arguments(TLS_REQUIRED, Before.STLS, "USER alice", Pop3Replies.USER_ACCEPTED),
                arguments("", Before.GREETING, "USER alice", Pop3Replies.USER_ACCEPTED),
                // one budget for unknown verbs and over-long lines; known verbs do not spend it
                arguments(BUDGET_ONE, Before.GREETING, "XYZZY", Pop3Replies.UNKNOWN_COMMAND),
                arguments(BUDGET_ONE, Before.ONE_UNKNOWN_VERB, "XYZZY", Pop3Replies.TOO_MANY_UNKNOWN),
                arguments(BUDGET_ONE, Before.ONE_LINE_TOO_LONG, "XYZZY", Pop3Replies.TOO_MANY_UNKNOWN),
                arguments(BUDGET_ONE, Before.ONE_UNKNOWN_VERB, "USER alice", Pop3Replies.USER_ACCEPTED));
    }

    @ParameterizedTest(name = "[{0}] after {1}: {2} -> {3}")
    @MethodSource("rows")
    void theTableAppliesEveryGate(String setting, Before before, String line, Pop3Reply expected) throws IOException {
        pop3.start(setting.isEmpty() ? new String[0] : setting.split("=", 2));
        try (RawClient c = pop3.raw()) {
            before.run(c);
            assertThat(c.send(line).readLine()).isEqualTo(expected.line());
            if (expected.close()) {
                c.expectClosed();
            } else {
                c.send("QUIT").expect("+OK");   // refused, yet the session goes on
            }
        }
    }
}
