package dev.portico.app;

import dev.portico.junit.PorticoExtension;
import jakarta.activation.DataHandler;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.telnet.TelnetClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One user, every protocol, real clients: the way a newcomer uses Portico after `./portico`, run
 * through the test toolkit as users' tests run it.
 */
@Timeout(60)
class PorticoEndToEndTest {

    @RegisterExtension
    static PorticoExtension portico = PorticoExtension.builder().withUser("carol", "carol-pw").build();

    @Test
    void listenersFollowTheContract() {
        assertThat(portico.listeners()).containsKeys("telnet", "ftp", "smtp", "pop3").doesNotContainKey("echo");
        assertThat(portico.listeners().get("ftp").getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }

    private Session smtpSession() {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(portico.port("smtp")));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.pop3.host", "127.0.0.1");
        p.put("mail.pop3.port", String.valueOf(portico.port("pop3")));
        p.put("mail.pop3.connectiontimeout", "5000");
        p.put("mail.pop3.timeout", "10000");
        return Session.getInstance(p);
    }

    @Test
    void mailSentOverSmtpIsReadBackByteExactOverPop3() throws Exception {
        byte[] attachment = new byte[50_000];
        new Random(7).nextBytes(attachment);
        Session session = smtpSession();
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("carol@localhost"));
        m.setSubject("report");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Hello Carol,\n.\n..a line with dots\nbye\n", "UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
        file.setFileName("data.bin");
        m.setContent(new MimeMultipart(text, file));
        m.saveChanges();
        Transport.send(m);

        Path fresh;
        try (var s = Files.list(portico.dataDir().resolve("mail/carol/Maildir/new"))) {
            fresh = s.findFirst().orElseThrow();
        }
        byte[] stored = Files.readAllBytes(fresh);
        assertThat(portico.mailbox("carol").raw()).singleElement().isEqualTo(stored);
        assertThat(portico.receivedRawMessagesFor("carol@localhost")).singleElement().isEqualTo(stored);

        Store pop3 = session.getStore("pop3");
        pop3.connect("carol", "carol-pw");
        try {
            Folder inbox = pop3.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            Message got = inbox.getMessage(1);
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            got.writeTo(raw);
            assertThat(raw.toByteArray()).isEqualTo(stored);
            MimeMultipart parts = (MimeMultipart) got.getContent();
            assertThat(((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n"))
                    .isEqualTo("Hello Carol,\n.\n..a line with dots\nbye\n");
            try (InputStream in = parts.getBodyPart(1).getInputStream()) {
                assertThat(in.readAllBytes()).isEqualTo(attachment);
            }
            inbox.close(false);
        } finally {
            pop3.close();
        }
    }

    @Test
    void fileUploadedOverFtpIsSeenInTheTelnetShell() throws Exception {
        FTPClient ftp = new FTPClient();
        ftp.setDefaultTimeout(10_000);
        ftp.connect("127.0.0.1", portico.port("ftp"));
        try {
            assertThat(ftp.login("carol", "carol-pw")).isTrue();
            ftp.enterLocalPassiveMode();
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            assertThat(ftp.storeFile("hello.txt", new ByteArrayInputStream("hi from ftp\n".getBytes(StandardCharsets.UTF_8)))).isTrue();
            ftp.logout();
        } finally {
            ftp.disconnect();
        }
        assertThat(portico.file("carol", "hello.txt")).hasContent("hi from ftp");

        TelnetClient telnet = new TelnetClient();
        telnet.setConnectTimeout(5000);
        telnet.connect("127.0.0.1", portico.port("telnet"));
        try {
            telnet.setSoTimeout(10_000);
            InputStream in = telnet.getInputStream();
            OutputStream out = telnet.getOutputStream();
            readUntil(in, "login: ");
            out.write("carol\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            readUntil(in, "assword: ");
            out.write("carol-pw\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            readUntil(in, "$ ");
            out.write("cat hello.txt\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readUntil(in, "$ ")).contains("hi from ftp");
            out.write("exit\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } finally {
            telnet.disconnect();
        }
    }

    /** Reads until {@code marker} appears; the socket timeout bounds the wait. */
    private static String readUntil(InputStream in, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[1024];
        while (seen.indexOf(marker) < 0) {
            int n = in.read(buf);
            if (n < 0) throw new IOException("closed before '" + marker + "'; got: " + seen);
            seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            if (seen.length() > 1_000_000) throw new IOException("no '" + marker + "' in 1 MB");
        }
        return seen.toString();
    }
}
