package dev.portico.smtp;

import ch.qos.logback.classic.Level;
import dev.portico.core.CommandTable;
import dev.portico.core.Reply;
import dev.portico.testing.LogCapture;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every gate of {@link SmtpVerb#TABLE}, one row each, over a real socket: the phase a verb needs
 * (BDAT's chunk read even when refused), the TLS gate of MAIL and AUTH under
 * {@code smtp.tls.required}, the LOGIN gate of MAIL on the submission listener, and the budget
 * unknown verbs and bad lines share. Each row ends by checking that the session is closed or still
 * answers. Then a handler that fails unexpectedly: logged, answered 451, and the session goes on.
 */
@Timeout(20)
class SmtpCommandTableTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final SmtpTestSupport smtp = new SmtpTestSupport();

    /** The listener a row connects to; the submission one is started for its rows only. */
    enum Listener {
        SMTP,
        SUBMISSION
    }

    /** How far the session gets before the row's line is sent. */
    enum Before {
        GREETING,
        EHLO,
        /** EHLO, MAIL accepted, its only RCPT refused: phase MAIL, where DATA and BDAT get 554. */
        FAILED_RCPT,
        /** STARTTLS, the handshake, and EHLO again. */
        STARTTLS,
        /** EHLO and AUTH PLAIN as alice (needs {@code smtp.auth.plaintext=true}). */
        AUTH,
        /** EHLO, then one unknown verb and one over-long line. */
        TWO_BAD_LINES;

        void run(RawClient c) throws IOException {
            if (this == GREETING) return;
            c.send("EHLO client.example").expect("250 ");
            switch (this) {
                case FAILED_RCPT -> {
                    c.send("MAIL FROM:<a@example.org>").expect(SmtpReplies.SENDER_OK.toString());
                    c.send("RCPT TO:<nobody@localhost>").expect(SmtpReplies.UNKNOWN_USER.toString());
                }
                case STARTTLS -> {
                    c.send("STARTTLS").expect(SmtpReplies.READY_FOR_TLS.toString());
                    c.startTls();
                    c.send("EHLO client.example").expect("250 ");
                }
                case AUTH -> c.send("AUTH PLAIN " + PLAIN_ALICE).expect(SmtpReplies.AUTH_OK.toString());
                case TWO_BAD_LINES -> {
                    c.send("XYZZY").expect(SmtpReplies.UNKNOWN_COMMAND.toString());
                    c.send("NOOP " + "x".repeat(600)).expect(SmtpReplies.LINE_TOO_LONG.toString());
                }
                default -> { }
            }
        }
    }

    private static final String PLAIN_ALICE = Base64.getEncoder()
            .encodeToString(("\0alice\0" + TestServices.ALICE_PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final String TLS_REQUIRED = "smtp.tls.required=true";
    private static final String PLAINTEXT_AUTH = "smtp.auth.plaintext=true";
    private static final String BUDGET_TWO = "smtp.max-unknown-commands=2";
    private static final String MAIL = "MAIL FROM:<alice@localhost>";
    /** A refused BDAT whose 6-octet chunk is a QUIT: if it were read as a command, the session would end. */
    private static final String BDAT_HIDING_QUIT = "BDAT 6 LAST\r\nQUIT";

    static Stream<Arguments> rows() {
        return Stream.of(
                // phase (RFC 5321 4.1.4), decided before the TLS gate
                arguments("", Listener.SMTP, Before.GREETING, MAIL, SmtpReplies.SEND_HELO_FIRST),
                arguments("", Listener.SMTP, Before.EHLO, "RCPT TO:<alice@localhost>", SmtpReplies.NEED_MAIL),
                arguments("", Listener.SMTP, Before.FAILED_RCPT, "DATA", SmtpReplies.NO_VALID_RECIPIENTS),
                arguments("", Listener.SMTP, Before.FAILED_RCPT, "STARTTLS", SmtpReplies.NOT_IN_TRANSACTION),
                // BDAT out of phase: the chunk is read first (RFC 3030 2), refused like DATA
                arguments("", Listener.SMTP, Before.EHLO, BDAT_HIDING_QUIT, SmtpReplies.NEED_MAIL),
                arguments("", Listener.SMTP, Before.FAILED_RCPT, BDAT_HIDING_QUIT, SmtpReplies.NO_VALID_RECIPIENTS),
                arguments("", Listener.SMTP, Before.GREETING, BDAT_HIDING_QUIT, SmtpReplies.SEND_HELO_FIRST),
                arguments("", Listener.SMTP, Before.EHLO, "BDAT many", SmtpReplies.BDAT_SYNTAX),
                // TLS gate (smtp.tls.required) on MAIL and AUTH
                arguments(TLS_REQUIRED, Listener.SMTP, Before.EHLO, MAIL, SmtpReplies.TLS_REQUIRED),
                arguments(TLS_REQUIRED, Listener.SMTP, Before.EHLO, "AUTH PLAIN " + PLAIN_ALICE, SmtpReplies.TLS_REQUIRED),
                arguments(TLS_REQUIRED, Listener.SMTP, Before.GREETING, MAIL, SmtpReplies.SEND_HELO_FIRST),
                arguments(TLS_REQUIRED, Listener.SMTP, Before.STARTTLS, MAIL, SmtpReplies.SENDER_OK),
                // LOGIN gate: MAIL on the submission listener (RFC 6409 4.3), not on the main one
                arguments("", Listener.SUBMISSION, Before.EHLO, MAIL, SmtpReplies.AUTH_REQUIRED),
                arguments(PLAINTEXT_AUTH, Listener.SUBMISSION, Before.AUTH, MAIL, SmtpReplies.SENDER_OK),
                arguments("", Listener.SMTP, Before.EHLO, MAIL, SmtpReplies.SENDER_OK),
                // one budget for unknown verbs and bad lines; known verbs do not spend it
                arguments(BUDGET_TWO, Listener.SMTP, Before.EHLO, "XYZZY", SmtpReplies.UNKNOWN_COMMAND),
                arguments(BUDGET_TWO, Listener.SMTP, Before.TWO_BAD_LINES, "NOOP", SmtpReplies.OK),
                arguments(BUDGET_TWO, Listener.SMTP, Before.TWO_BAD_LINES, "XYZZY", SmtpReplies.tooManyUnknown("localhost")));
    }

    @ParameterizedTest(name = "[{0}] {1} after {2}: {3} -> {4}")
    @MethodSource("rows")
    void theTableAppliesEveryGate(String setting, Listener listener, Before before, String line, Reply expected)
            throws IOException {
        List<String> settings = new ArrayList<>();
        if (!setting.isEmpty()) settings.addAll(List.of(setting.split("=", 2)));
        if (listener == Listener.SUBMISSION) settings.addAll(List.of("smtp.submission-port", "0"));
        smtp.start(dir, SmtpTestSupport.settings(settings.toArray(String[]::new)));
        int port = listener == Listener.SUBMISSION ? smtp.server.submissionPort() : smtp.port();
        try (RawClient c = new RawClient(port)) {
            c.expect("220 localhost");
            before.run(c);
            assertThat(c.send(line).readLine()).isEqualTo(expected.toString());
            if (expected.close()) {
                c.expectClosed();
            } else {
                c.send("NOOP").expect(SmtpReplies.OK.toString());   // refused, yet the session goes on
            }
        }
    }

    private static final String BUG = "test: bug in the delivery handler";

    /** Fails the first delivery with a bug, takes the ones after it. */
    private static final class FailingOnce implements DeliveryHandler {
        final AtomicBoolean failed = new AtomicBoolean();
        final ConcurrentLinkedQueue<Envelope> delivered = new ConcurrentLinkedQueue<>();

        @Override
        public Reply deliver(SmtpContext ctx, Envelope envelope, InputStream body) throws IOException {
            body.readAllBytes();
            if (failed.compareAndSet(false, true)) throw new IllegalStateException(BUG);
            delivered.add(envelope);
            return SmtpReplies.DELIVERED;
        }
    }

    @Test
    void aHandlerBugIsLoggedAnswered451AndTheSessionGoesOn() throws IOException {
        FailingOnce handler = new FailingOnce();
        smtp.start(dir, SmtpTestSupport.settings(), handler);
        try (LogCapture log = LogCapture.of(Level.ERROR, CommandTable.class); RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<a@example.org>").expect(SmtpReplies.SENDER_OK.toString());
            c.send("RCPT TO:<alice@localhost>").expect(SmtpReplies.RECIPIENT_OK.toString());
            c.send("DATA").expect("354");
            c.sendRaw("Subject: first\r\n\r\nlost\r\n.\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.LOCAL_ERROR.toString());
            // The failed transaction is gone; the next one goes through on the same connection.
            c.send("RCPT TO:<alice@localhost>").expect(SmtpReplies.NEED_MAIL.toString());
            c.send("RSET").expect(SmtpReplies.OK.toString());
            c.send("MAIL FROM:<b@example.org>").expect(SmtpReplies.SENDER_OK.toString());
            c.send("RCPT TO:<alice@localhost>").expect(SmtpReplies.RECIPIENT_OK.toString());
            c.send("DATA").expect("354");
            c.sendRaw("Subject: second\r\n\r\nkept\r\n.\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.DELIVERED.toString());
            assertThat(log.thrown(BUG)).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                assertThat(e.getFormattedMessage()).endsWith("DATA failed");
                assertThat(e.getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
            });
        }
        assertThat(handler.delivered).extracting(Envelope::sender).containsExactly("b@example.org");
    }
}
