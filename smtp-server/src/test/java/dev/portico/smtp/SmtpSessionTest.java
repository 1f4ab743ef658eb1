package dev.portico.smtp;

import dev.portico.core.Settings;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The RFC 5321 command sequence and every error path of it, over a raw socket. */
@Timeout(20)
class SmtpSessionTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final SmtpTestSupport smtp = new SmtpTestSupport();

    /** Reads a multi-line reply whole. */
    private static List<String> replyLines(RawClient c) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String line = c.readLine();
            lines.add(line);
            if (line == null || line.length() < 4 || line.charAt(3) != '-') break;
        }
        return lines;
    }

    @Test
    void greetingNamesThePrimaryDomainAndEhloListsTheExtensions() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = new RawClient(smtp.port())) {
            assertThat(c.readLine()).isEqualTo("220 localhost ESMTP Portico");
            c.send("EHLO client.example");
            List<String> lines = replyLines(c);
            assertThat(lines.get(0)).isEqualTo("250-localhost Hello client.example [127.0.0.1]");
            assertThat(lines).contains("250-PIPELINING", "250-SIZE 26214400", "250-8BITMIME", "250-ENHANCEDSTATUSCODES",
                    "250-SMTPUTF8", "250-CHUNKING", "250-DSN", "250-STARTTLS", "250 HELP");
            assertThat(lines).noneMatch(l -> l.contains("AUTH"));
            c.send("HELO other.example");
            assertThat(c.readLine()).isEqualTo("250 localhost Hello other.example");
            c.send("QUIT");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.BYE.toString());
            c.expectClosed();
        }
    }

    @Test
    void commandsOutOfSequenceGet503() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = new RawClient(smtp.port())) {
            c.expect("220");
            c.send("MAIL FROM:<a@example.org>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.SEND_HELO_FIRST.toString());
            c.send("EHLO x");
            c.expect("250");
            c.send("RCPT TO:<alice@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NEED_MAIL.toString());
            c.send("DATA");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NEED_MAIL.toString());
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250 2.1.0");
            c.send("MAIL FROM:<a@example.org>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NESTED_MAIL.toString());
            c.send("DATA");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NO_VALID_RECIPIENTS.toString());
            c.send("RSET");
            c.expect("250 2.0.0");
            c.send("RCPT TO:<alice@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NEED_MAIL.toString());
        }
    }

    @Test
    void informationalCommands() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.send("NOOP");
            c.expect("250 2.0.0");
            c.send("NOOP anything");
            c.expect("250 2.0.0");
            c.send("VRFY alice");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.VRFY_CANNOT.toString());
            c.send("VRFY");
            c.expect("501 5.5.4");
            c.send("EXPN staff");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.EXPN_DISABLED.toString());
            c.send("HELP");
            assertThat(c.readReply()).startsWith("214 2.0.0");
            c.send("RSET now");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NO_ARGUMENTS.toString());
            c.send("EHLO");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.EHLO_SYNTAX.toString());
        }
    }

    @Test
    void vrfyCanBeTruthful() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.vrfy", "true"));
        try (RawClient c = smtp.greeted()) {
            c.send("VRFY alice");
            assertThat(c.readLine()).isEqualTo("250 2.1.5 <alice@localhost>");
            c.send("VRFY <bob@localhost>");
            c.expect("250 2.1.5");
            c.send("VRFY nobody");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.UNKNOWN_USER.toString());
        }
    }

    @Test
    void addressSyntaxErrorsAndAcceptedForms() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:alice@localhost");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.BAD_SENDER_SYNTAX.toString());
            c.send("MAIL <alice@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.MAIL_SYNTAX.toString());
            c.send("MAIL FROM:<a..b@example.org>");
            c.expect("501 5.1.7");
            c.send("MAIL FROM:<a@example.org> SIZE=abc");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.BAD_PARAMETER.toString());
            c.send("MAIL FROM:<a@example.org> MT-PRIORITY=3");       // RFC 6710: not offered
            assertThat(c.readLine()).isEqualTo(SmtpReplies.UNSUPPORTED_PARAMETER.toString());
            c.send("MAIL FROM:<a@example.org> BODY=BINARYMIME");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.UNSUPPORTED_BODY.toString());
            c.send("MAIL FROM:<@relay.example:\"odd \\\" name\"@example.org> BODY=8BITMIME AUTH=<>");
            c.expect("250 2.1.0");
            c.send("RCPT TO:<>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.BAD_RECIPIENT_SYNTAX.toString());
            c.send("RCPT alice@localhost");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.RCPT_SYNTAX.toString());
            c.send("RCPT TO:<alice@localhost> RRVS=2026-12-02T08:00:00Z");   // RFC 7293: not offered
            assertThat(c.readLine()).isEqualTo(SmtpReplies.UNSUPPORTED_PARAMETER.toString());
            c.send("RCPT TO:<ALICE@LocalHost>");
            c.expect("250 2.1.5");
            c.send("RCPT TO:<Postmaster>");
            c.expect("250 2.1.5");
            c.send("RSET");
            c.expect("250");
            c.send("MAIL FROM:<>");
            c.expect("250 2.1.0");
        }
    }

    @Test
    void unknownUsersAndForeignDomainsAreRefused() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250");
            c.send("RCPT TO:<nobody@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.UNKNOWN_USER.toString());
            c.send("RCPT TO:<alice@example.org>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.RELAY_DENIED.toString());
            c.send("RCPT TO:<\"alice\"@elsewhere.example>");
            assertThat(c.readLine()).isEqualTo("554 5.7.1 Relaying denied: this server only accepts mail for its own domains");
        }
    }

    @Test
    void nonAsciiAddressesNeedSmtputf8() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<jösé@example.org>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.UTF8_NEEDS_SMTPUTF8.toString());
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250");
            c.send("RCPT TO:<jösé@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.UTF8_NEEDS_SMTPUTF8.toString());
            c.send("RSET");
            c.expect("250");
            c.send("MAIL FROM:<jösé@bücher.example> SMTPUTF8");
            c.expect("250 2.1.0");
            c.send("RCPT TO:<jösé@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.UNKNOWN_USER.toString());
        }
    }

    @Test
    void parametersNeedEhlo() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = new RawClient(smtp.port())) {
            c.expect("220");
            c.send("HELO x");
            c.expect("250");
            c.send("MAIL FROM:<a@example.org> SIZE=10");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.PARAMETERS_NEED_EHLO.toString());
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250");
        }
    }

    @Test
    void recipientLimitGives452() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.max-recipients", "3"));
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<a@example.org>");
            c.expect("250");
            for (int i = 0; i < 3; i++) {
                c.send("RCPT TO:<alice@localhost>");
                c.expect("250");
            }
            c.send("RCPT TO:<bob@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.TOO_MANY_RECIPIENTS.toString());
        }
    }

    @Test
    void overLongCommandLineGets500AndTheSessionGoesOn() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.send("NOOP " + "x".repeat(505));     // 510 octets + CRLF: exactly the limit
            c.expect("250");
            c.send("NOOP " + "x".repeat(506));
            assertThat(c.readLine()).isEqualTo(SmtpReplies.LINE_TOO_LONG.toString());
            c.sendRaw("NOOP " + "y".repeat(100_000) + "\r\nNOOP\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.LINE_TOO_LONG.toString());
            c.expect("250 2.0.0");
        }
    }

    @Test
    void bareLineEndingsInCommandsAreErrors() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.sendRaw("NOOP\n");
            c.sendRaw("NOOP\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.BARE_LINE_ENDING.toString());
            c.expect("250 2.0.0");
            c.sendRaw("MAIL FROM:<a@example.org>\rRCPT TO:<alice@localhost>\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.BARE_LINE_ENDING.toString());
            c.send("RCPT TO:<alice@localhost>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NEED_MAIL.toString());
        }
    }

    @Test
    void unknownCommandBudgetEndsWith421() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.max-unknown-commands", "3"));
        try (RawClient c = smtp.greeted()) {
            for (int i = 0; i < 3; i++) {
                c.send("WHAT " + i);
                assertThat(c.readLine()).isEqualTo(SmtpReplies.UNKNOWN_COMMAND.toString());
            }
            c.send("");
            assertThat(c.readLine()).startsWith("421 4.7.0 localhost Too many unrecognized commands");
            c.expectClosed();
        }
    }

    @Test
    void idleSessionGets421() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.idle-timeout", "300ms"));
        try (RawClient c = smtp.greeted()) {
            assertThat(c.readLine()).isEqualTo("421 4.4.2 localhost Idle timeout, closing connection");
            c.expectClosed();
        }
    }

    @Test
    void shutdownSends421ToIdleSessions() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            smtp.close();
            assertThat(c.readLine()).isEqualTo(SmtpReplies.shutdownLine("localhost"));
            c.expectClosed();
        }
    }

    @Test
    void sessionsPerAddressAreLimited() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.max-sessions-per-address", "1"));
        try (RawClient first = smtp.greeted(); RawClient second = new RawClient(smtp.port())) {
            assertThat(second.readLine()).isEqualTo(SmtpReplies.refusalLine("localhost"));
            second.expectClosed();
            first.send("NOOP");
            first.expect("250");
        }
    }

    @Test
    void nulInvalidUtf8AndEarlyCommandsAreHandled() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = new RawClient(smtp.port())) {
            c.sendRaw("EHLO early.example\r\n");            // before the greeting was read: answered after it
            assertThat(c.readLine()).isEqualTo("220 localhost ESMTP Portico");
            c.expect("250 HELP");
            c.sendBytes("NO\0OP\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).isEqualTo(SmtpReplies.UNKNOWN_COMMAND.toString());
            byte[] bad = "MAIL FROM:<a\u00ff@example.org> SMTPUTF8\r\n".getBytes(StandardCharsets.ISO_8859_1);
            c.sendBytes(bad);                                  // a lone 0xFF is not UTF-8
            assertThat(c.readLine()).isEqualTo(SmtpReplies.BAD_SENDER_SYNTAX.toString());
            c.send("NOOP");
            c.expect("250");
        }
    }

    @Test
    void configIsReadFromSettings() {
        SmtpConfig c = SmtpConfig.from(Settings.of(Map.of(
                "smtp.port", "off", "smtp.submission-port", "1587", "smtp.max-message-size", "10M",
                "smtp.vrfy", "true", "smtp.bare-line-endings", "normalize", "smtp.delivery", "discard",
                "smtp.idle-timeout", "30s", "smtp.max-recipients", "1000")));
        assertThat(c.port()).isEmpty();
        assertThat(c.submissionPort()).hasValue(1587);
        assertThat(c.maxMessageSize()).isEqualTo(10L << 20);
        assertThat(c.vrfy()).isTrue();
        assertThat(c.bareLineEndings()).isEqualTo(SmtpConfig.BareLineEndings.NORMALIZE);
        assertThat(c.delivery()).isEqualTo(SmtpConfig.Delivery.DISCARD);
        assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.limits().maxLineLength()).isEqualTo(510);
        assertThat(c.maxRecipients()).isEqualTo(1000);
        SmtpConfig d = SmtpConfig.from(Settings.empty());
        assertThat(d.port()).hasValue(2525);
        assertThat(d.submissionPort()).isEmpty();
        assertThatThrownBy(() -> SmtpConfig.from(Settings.of(Map.of("smtp.delivery", "mbox"))))
                .hasMessageContaining("smtp.delivery");
    }
}
