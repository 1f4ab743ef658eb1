package dev.portico.telnet;

import dev.portico.core.mail.MailStore;
import dev.portico.testing.TestServices;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mail}: a MIME message built with Jakarta Mail, delivered to the Maildir, read and saved in the shell. */
@Timeout(30)
class TelnetMailTest {

    @TempDir Path dir;
    @RegisterExtension final TelnetTestServer portico = new TelnetTestServer();
    TelnetPeer alice;
    byte[] attachment;

    @BeforeEach
    void start() throws Exception {
        portico.start(dir);
        attachment = new byte[2560];
        for (int i = 0; i < attachment.length; i++) attachment[i] = (byte) i;
        portico.services.mail().deliver(List.of("alice"), new ByteArrayInputStream(message()));
        portico.services.mail().deliver(List.of("alice"), new ByteArrayInputStream(
                "From: bob@localhost\r\nSubject: plain\r\n\r\njust text\r\n".getBytes()));
        alice = portico.shell("alice", TestServices.ALICE_PASSWORD);
    }

    private byte[] message() throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("carol@example.org", "Carol Example"));
        m.setRecipients(Message.RecipientType.TO, "alice@localhost");
        m.setSubject("Quarterly réport", "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Héllo Alice, the report is attached. Totals: 1+1=2 ✓\n", "UTF-8");
        text.setHeader("Content-Transfer-Encoding", "quoted-printable");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>Base64 html body</p>", "text/html; charset=UTF-8");
        html.setHeader("Content-Transfer-Encoding", "base64");
        MimeBodyPart pdf = new MimeBodyPart();
        pdf.setContent(attachment, "application/pdf");
        pdf.setFileName("report.pdf");
        pdf.setDisposition(MimeBodyPart.ATTACHMENT);
        pdf.setHeader("Content-Transfer-Encoding", "base64");
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(text);
        mixed.addBodyPart(html);
        mixed.addBodyPart(pdf);
        m.setContent(mixed);
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        assertThat(out.toString()).contains("Content-Transfer-Encoding: base64", "quoted-printable");
        return out.toByteArray();
    }

    @Test
    void mailListsTheMessagesWithDecodedSubjects() throws Exception {
        String list = alice.run("mail");
        assertThat(list).contains("2 messages:", "Quarterly réport", "Carol Example", "plain");
        assertThat(list.indexOf("Quarterly")).isLessThan(list.indexOf("plain"));
    }

    @Test
    void mailNShowsHeadersDecodedTextAndListsTheAttachment() throws Exception {
        String shown = alice.run("mail 1");
        assertThat(shown).contains("From: Carol Example <carol@example.org>", "To: alice@localhost",
                "Subject: Quarterly réport",
                "--- part 1: text/plain ---", "Héllo Alice, the report is attached. Totals: 1+1=2 ✓",
                "--- part 2: text/html ---", "<p>Base64 html body</p>",
                "--- part 3: attachment application/pdf \"report.pdf\", 2560 bytes (save with: mail save 1 3 FILE) ---");
        assertThat(shown).doesNotContain("=C3", "PHA+");   // no raw quoted-printable or base64 on screen
        assertThat(alice.run("mail 2")).contains("Subject: plain", "just text");
    }

    @Test
    void mailSaveWritesTheDecodedAttachmentIntoTheUsersFiles() throws Exception {
        assertThat(alice.run("mail save 1 3 report.pdf")).isEqualTo("saved 2560 bytes to /report.pdf\n");
        assertThat(Files.readAllBytes(portico.home("alice").resolve("report.pdf"))).isEqualTo(attachment);
        assertThat(alice.run("ls -l")).contains("2560", "report.pdf");
        assertThat(alice.run("mail save 1 3 ../escape.pdf")).contains(TelnetReplies.OUTSIDE_HOME);
        assertThat(dir.resolve("files/escape.pdf")).doesNotExist();
    }

    @Test
    void badMessageAndPartNumbersGetOneLine() throws Exception {
        assertThat(alice.run("mail 7")).isEqualTo("mail: no message 7 (you have 2)\n");
        assertThat(alice.run("mail x")).isEqualTo("mail: not a message number: x\n");
        assertThat(alice.run("mail save 1 9 f")).isEqualTo("mail: message 1 has no part 9\n");
        assertThat(alice.run("mail save 1")).startsWith("usage: mail");
        try (TelnetPeer bob = portico.shell("bob", TestServices.BOB_PASSWORD)) {
            assertThat(bob.run("mail")).isEqualTo("No mail.\n");
        }
    }

    /** RFC 5321 4.5.1: postmaster mail lands in its own Maildir; administrators read it, nobody else. */
    @Test
    void administratorsReadThePostmasterMailbox() throws Exception {
        portico.services.mail().deliver(List.of(MailStore.POSTMASTER), new ByteArrayInputStream(
                "From: mailer-daemon@example.org\r\nSubject: bounce report\r\n\r\nundeliverable\r\n".getBytes()));
        assertThat(alice.run("postmaster")).contains("1 message:", "bounce report");
        assertThat(alice.run("postmaster 1")).contains("Subject: bounce report", "undeliverable");
        assertThat(alice.run("mail")).doesNotContain("bounce report");
        try (TelnetPeer bob = portico.shell("bob", TestServices.BOB_PASSWORD)) {
            assertThat(bob.run("postmaster")).isEqualTo("postmaster: " + TelnetReplies.ADMIN_ONLY + "\n");
        }
    }

    /**
     * Found by MailViewFuzzTest: C1 controls (U+0080-U+009F) passed the filter, which only knew
     * C0 and DEL; U+009B is a CSI to a UTF-8 xterm, so a subject or body could move the cursor,
     * clear the screen or retitle the user's terminal.
     */
    @Test
    void c1ControlCharactersInHeadersAndTextAreNotSentToTheTerminal() throws Exception {
        portico.services.mail().deliver(List.of("alice"), new ByteArrayInputStream(
                "From: x@localhost\r\nSubject: =?UTF-8?Q?a=C2=9B2Jb?=\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nc\u009B31md\r\n"
                        .getBytes(StandardCharsets.UTF_8)));
        String list = alice.run("mail");
        String shown = alice.run("mail 3");
        assertThat(list).contains("a?2Jb").doesNotContain("\u009B");
        assertThat(shown).contains("Subject: a?2Jb", "c?31md").doesNotContain("\u009B");
    }
}
