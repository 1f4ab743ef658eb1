package dev.portico.smtp;

import dev.portico.core.mail.MailStore;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** DATA and BDAT over a raw socket: transparency, smuggling, limits, pipelining, what lands in the Maildir. */
@Timeout(30)
class SmtpDataTest {

    private static final String HEADERS = "From: a@example.org\r\nTo: alice@localhost\r\nDate: Sun, 22 Nov 2026 04:00:00 +0000\r\n"
            + "Message-ID: <1@example.org>\r\nSubject: test\r\n\r\n";

    @TempDir
    Path dir;
    @RegisterExtension
    final SmtpTestSupport smtp = new SmtpTestSupport();

    private static void envelope(RawClient c, String... rcpts) throws IOException {
        c.send("MAIL FROM:<sender@example.org>");
        c.expect("250 2.1.0");
        for (String r : rcpts) {
            c.send("RCPT TO:<" + r + ">");
            c.expect("250 2.1.5");
        }
    }

    @Test
    void messageIsStoredByteExactWithDotsUnstuffedAndTraceHeadersInFront() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        String body = HEADERS + "line one\r\n.\r\n..two dots\r\n.leading\r\n\r\n. \r\nend\r\n";
        String stuffed = HEADERS + "line one\r\n..\r\n...two dots\r\n..leading\r\n\r\n.. \r\nend\r\n";
        try (RawClient c = smtp.greeted()) {
            envelope(c, "alice@localhost");
            c.send("DATA");
            c.expect("354 ");
            c.sendRaw(stuffed + ".\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.DELIVERED.toString());
        }
        String stored = smtp.onlyMessage("alice");
        assertThat(stored).startsWith("Return-Path: <sender@example.org>\r\nReceived: from client.example ([127.0.0.1])\r\n"
                + "\tby localhost (Portico) with ESMTP\r\n\tid ");
        assertThat(stored).contains("\r\n\tfor <alice@localhost>;\r\n\t");
        assertThat(SmtpTestSupport.withoutTrace(stored)).isEqualTo(body);
    }

    @Test
    void oneCopyPerRecipientAndTwoMessagesInOneSession() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            for (int i = 0; i < 2; i++) {
                envelope(c, "alice@localhost", "bob@localhost", "alice@localhost");
                c.send("DATA");
                c.expect("354");
                c.sendRaw(HEADERS + "message " + i + "\r\n.\r\n");
                c.expect("250 2.0.0");
            }
        }
        assertThat(smtp.messages("alice")).hasSize(2);
        assertThat(smtp.messages("bob")).hasSize(2);
        assertThat(new String(smtp.messages("bob").get(0), StandardCharsets.UTF_8)).doesNotContain("\tfor <");
    }

    @Test
    void pipelinedTransactionInOnePacket() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.sendRaw("MAIL FROM:<sender@example.org>\r\nRCPT TO:<alice@localhost>\r\nRCPT TO:<nobody@localhost>\r\n"
                    + "RCPT TO:<bob@localhost>\r\nDATA\r\n");
            c.expect("250 2.1.0");
            c.expect("250 2.1.5");
            c.expect("550 5.1.1");
            c.expect("250 2.1.5");
            c.expect("354");
            c.sendRaw(HEADERS + "pipelined\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<nobody@localhost>\r\nDATA\r\nNOOP\r\n");
            c.expect("250 2.0.0");
            c.expect("250 2.1.0");
            c.expect("550 5.1.1");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NO_VALID_RECIPIENTS.toString());
            c.expect("250 2.0.0");
        }
        assertThat(SmtpTestSupport.withoutTrace(smtp.onlyMessage("bob"))).isEqualTo(HEADERS + "pipelined\r\n");
    }

    @Test
    void smugglingSequencesAreRefusedAfterTheRealEndAndNeverStartASecondMessage() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        for (String smuggle : new String[]{"\n.\r\n", "\n.\n", "\r.\r", "\r\n.\n", "\r.\r\n"}) {
            try (RawClient c = smtp.greeted()) {
                envelope(c, "alice@localhost");
                c.send("DATA");
                c.expect("354");
                c.sendRaw(HEADERS + "first" + smuggle + "MAIL FROM:<evil@example.org>\r\nRCPT TO:<bob@localhost>\r\n"
                        + "DATA\r\n" + HEADERS + "smuggled\r\n.\r\n");
                assertThat(c.readLine()).as(describe(smuggle)).isEqualTo(SmtpReplies.BARE_LINE_ENDING_IN_DATA.toString());
                c.send("NOOP");
                c.expect("250 2.0.0");
            }
        }
        assertThat(smtp.messages("alice")).isEmpty();
        assertThat(smtp.messages("bob")).isEmpty();
    }

    @Test
    void normalizeModeStoresCrLfAndStillNeverEndsEarly() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.bare-line-endings", "normalize"));
        try (RawClient c = smtp.greeted()) {
            envelope(c, "alice@localhost");
            c.send("DATA");
            c.expect("354");
            c.sendRaw(HEADERS + "a\n.\r\nb\r.\rc\n.\nd\r\n.\r\n");
            c.expect("250 2.0.0");
            c.send("NOOP");
            c.expect("250 2.0.0");
        }
        assertThat(SmtpTestSupport.withoutTrace(smtp.onlyMessage("alice")))
                .isEqualTo(HEADERS + "a\r\n.\r\nb\r\n.\r\nc\r\n.\r\nd\r\n");
    }

    @Test
    void textLineOverLimitIsRefusedAfterTheEnd() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            envelope(c, "alice@localhost");
            c.send("DATA");
            c.expect("354");
            c.sendRaw(HEADERS + "x".repeat(998) + "\r\n.\r\n");    // 1000 with CRLF: allowed
            c.expect("250 2.0.0");
            envelope(c, "alice@localhost");
            c.send("DATA");
            c.expect("354");
            c.sendRaw(HEADERS + "x".repeat(50_000) + "\r\nmore\r\n.\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.TEXT_LINE_TOO_LONG.toString());
            c.send("NOOP");
            c.expect("250");
        }
        assertThat(smtp.messages("alice")).hasSize(1);
    }

    @Test
    void sizeIsCheckedAtMailAndEnforcedWhileReceiving() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.max-message-size", "100000", "smtp.spool-memory", "1024"));
        try (RawClient c = smtp.greeted()) {
            c.send("EHLO x");
            assertThat(c.readReply()).isEqualTo("250 HELP");
            c.send("MAIL FROM:<a@example.org> SIZE=100001");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.MESSAGE_TOO_BIG.toString());
            c.send("MAIL FROM:<a@example.org> SIZE=1000");     // a lie: the limit still holds
            c.expect("250");
            c.send("RCPT TO:<alice@localhost>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            String line = "y".repeat(900) + "\r\n";
            StringBuilder big = new StringBuilder(HEADERS);
            for (int i = 0; i < 300; i++) big.append(line);
            c.sendRaw(big + ".\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.MESSAGE_TOO_BIG.toString());
            c.send("NOOP");
            c.expect("250");
        }
        assertThat(smtp.messages("alice")).isEmpty();
        try (Stream<Path> spool = Files.list(dir.resolve("tmp/smtp"))) {
            assertThat(spool).isEmpty();
        }
    }

    @Test
    void largeMessageSpillsToDiskAndArrivesWhole() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.spool-memory", "4096"));
        StringBuilder body = new StringBuilder(HEADERS);
        for (int i = 0; i < 5000; i++) body.append("line ").append(i).append(" ").append("z".repeat(80)).append("\r\n");
        try (RawClient c = smtp.greeted()) {
            envelope(c, "alice@localhost");
            c.send("DATA");
            c.expect("354");
            c.sendRaw(body + ".\r\n");
            c.expect("250 2.0.0");
        }
        assertThat(SmtpTestSupport.withoutTrace(smtp.onlyMessage("alice"))).isEqualTo(body.toString());
        try (Stream<Path> spool = Files.list(dir.resolve("tmp/smtp"))) {
            assertThat(spool).isEmpty();
        }
    }

    @Test
    void missingDateAndMessageIdAreAddedAndRequiredHeadersCanBeEnforced() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            envelope(c, "alice@localhost");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("Subject: bare\r\n\r\nhi\r\n.\r\n");
            c.expect("250");
        }
        String stored = SmtpTestSupport.withoutTrace(smtp.onlyMessage("alice"));
        assertThat(stored).matches("(?s)Date: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n"
                + "Message-ID: <[0-9a-f-]+@localhost>\r\nSubject: bare\r\n\r\nhi\r\n");
        smtp.close();
        smtp.start(dir.resolve("strict"), SmtpTestSupport.settings("smtp.require-headers", "true"));
        try (RawClient c = smtp.greeted()) {
            envelope(c, "alice@localhost");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("Subject: bare\r\nFrom: a@example.org\r\n\r\nhi\r\n.\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.MISSING_HEADERS.toString());
            envelope(c, "alice@localhost");
            c.send("DATA");
            c.expect("354");
            c.sendRaw(HEADERS + "ok\r\n.\r\n");
            c.expect("250 2.0.0");
        }
    }

    @Test
    void brokenMimeIsStillDelivered() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        String broken = HEADERS.replace("Subject: test\r\n", "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n")
                + "--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-weird\r\n\r\nno closing boundary\r\n";
        try (RawClient c = smtp.greeted()) {
            envelope(c, "alice@localhost");
            c.send("DATA");
            c.expect("354");
            c.sendRaw(broken + ".\r\n");
            c.expect("250 2.0.0");
        }
        assertThat(SmtpTestSupport.withoutTrace(smtp.onlyMessage("alice"))).isEqualTo(broken);
        assertThat(MimeCheck.problems(new ByteArrayInputStream(broken.getBytes(StandardCharsets.US_ASCII))))
                .anyMatch(p -> p.contains("closing boundary")).anyMatch(p -> p.contains("x-weird"));
    }

    @Test
    void bdatChunksMakeOneMessage() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        String part1 = HEADERS + "chunk one\r\n.\r\n";        // no transparency in BDAT: the dot line is text
        String part2 = "chunk two\r\n";
        try (RawClient c = smtp.greeted()) {
            envelope(c, "alice@localhost");
            // Pipelined: both chunks and a NOOP in one write.
            c.sendRaw("BDAT " + part1.length() + "\r\n" + part1 + "BDAT " + part2.length() + " LAST\r\n" + part2 + "NOOP\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.chunkReceived(part1.length()).toString());
            assertThat(c.readLine()).isEqualTo(SmtpReplies.DELIVERED.toString());
            c.expect("250 2.0.0 Ok");
            envelope(c, "bob@localhost");
            c.sendRaw("BDAT 0 LAST\r\n");
            c.expect("250 2.0.0");
        }
        assertThat(SmtpTestSupport.withoutTrace(smtp.onlyMessage("alice"))).isEqualTo(part1 + part2);
        assertThat(smtp.messages("bob")).hasSize(1);
    }

    @Test
    void bdatOutOfSequenceIsReadAndRefusedAndDataCannotFollowBdat() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.sendRaw("BDAT 10 LAST\r\nNOOP\r\nXXXXNOOP\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NEED_MAIL.toString());
            c.expect("250 2.0.0");
            envelope(c, "alice@localhost");
            c.sendRaw("BDAT 5\r\nabcde");
            c.expect("250 2.0.0 5 octets");
            c.send("DATA");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.DATA_AFTER_BDAT.toString());
            c.send("MAIL FROM:<x@example.org>");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NESTED_MAIL.toString());
            c.send("RSET");
            c.expect("250");
            c.send("BDAT x");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.BDAT_SYNTAX.toString());
            c.expectClosed();
        }
        assertThat(smtp.messages("alice")).isEmpty();
    }

    @Test
    void bdatOverSizeIsRefusedAtTheChunk() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.max-message-size", "1000"));
        try (RawClient c = smtp.greeted()) {
            envelope(c, "alice@localhost");
            String chunk = "x".repeat(600) + "\r\n";
            c.sendRaw("BDAT " + chunk.length() + "\r\n" + chunk);
            c.expect("250");
            c.sendRaw("BDAT " + chunk.length() + "\r\n" + chunk + "BDAT 2 LAST\r\n\r\n");
            assertThat(c.readLine()).isEqualTo(SmtpReplies.MESSAGE_TOO_BIG.toString());
            assertThat(c.readLine()).isEqualTo(SmtpReplies.NEED_MAIL.toString());
        }
        assertThat(smtp.messages("alice")).isEmpty();
    }

    @Test
    void connectionLostInsideDataDeliversNothing() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            envelope(c, "alice@localhost");
            c.send("DATA");
            c.expect("354");
            c.sendRaw(HEADERS + "half a message\r\n");
        }
        // A second session proves the first one has ended and delivered nothing.
        try (RawClient c = smtp.greeted()) {
            c.send("QUIT");
            c.expect("221");
        }
        assertThat(smtp.messages("alice")).isEmpty();
    }

    @Test
    void postmasterQuotedLocalPartAndSmtputf8AreDelivered() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings());
        try (RawClient c = smtp.greeted()) {
            c.send("MAIL FROM:<>");
            c.expect("250");
            c.send("RCPT TO:<Postmaster>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            c.sendRaw(HEADERS + "to the postmaster\r\n.\r\n");
            c.expect("250 2.0.0");
            c.send("MAIL FROM:<jösé@bücher.example> SMTPUTF8");
            c.expect("250");
            c.send("RCPT TO:<\"bob\"@localhost>");
            c.expect("250 2.1.5");
            c.send("DATA");
            c.expect("354");
            c.sendRaw("From: jösé@bücher.example\r\nSubject: Grüße\r\n\r\nÜnïcödé\r\n.\r\n");
            c.expect("250 2.0.0");
        }
        String toPostmaster = smtp.onlyMessage(MailStore.POSTMASTER);   // the role mailbox, not an administrator's
        assertThat(smtp.messages("alice")).isEmpty();
        assertThat(toPostmaster).startsWith("Return-Path: <>\r\n").contains("for <Postmaster@localhost>");
        String utf8 = smtp.onlyMessage("bob");
        assertThat(utf8).contains("with UTF8SMTP\r\n").endsWith("Subject: Grüße\r\n\r\nÜnïcödé\r\n");
    }

    @Test
    void idleTimeoutInsideDataGives421() throws IOException {
        smtp.start(dir, SmtpTestSupport.settings("smtp.idle-timeout", "300ms"));
        try (RawClient c = smtp.greeted()) {
            envelope(c, "alice@localhost");
            c.send("DATA");
            c.expect("354");
            c.sendRaw(HEADERS + "and then nothing more");
            assertThat(c.readLine()).isEqualTo("421 4.4.2 localhost Idle timeout, closing connection");
            c.expectClosed();
        }
        assertThat(smtp.messages("alice")).isEmpty();
    }

    private static String describe(String s) {
        return s.replace("\r", "<CR>").replace("\n", "<LF>");
    }
}
