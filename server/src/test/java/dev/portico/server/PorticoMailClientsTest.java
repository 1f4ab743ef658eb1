package dev.portico.server;

import dev.portico.core.Settings;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.Permission;
import dev.portico.testing.TestTls;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3MessageInfo;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumSet;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Portico wired whole, as a mail user's programs meet it: Jakarta Mail sends over SMTP, Jakarta
 * Mail's IMAP store (idling) and a POP3 client read the same message from the one Maildir.
 */
@Timeout(60)
class PorticoMailClientsTest {

    private static final String PASSWORD = "pw-alice";

    @TempDir Path dir;

    @Test
    void smtpDeliveryIsSeenInIdleReadByteExactOverImapAndAgreesWithPop3() throws Exception {
        new FileUserDirectory(Portico.usersFile(dir)).add("alice", PASSWORD.toCharArray(), EnumSet.of(Permission.READ));
        try (Portico p = Portico.builder(Settings.of("data", dir.toString(), "users.hash-iterations", "1000",
                "telnet.port", "off", "ftp.port", "off", "smtp.port", "0", "pop3.port", "0", "imap.port", "0"))
                .tls(TestTls.SERVER).start()) {
            Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", String.valueOf(p.port("smtp")));
            props.put("mail.imap.host", "127.0.0.1");
            props.put("mail.imap.port", String.valueOf(p.port("imap")));
            for (String k : new String[] {"mail.smtp.timeout", "mail.smtp.connectiontimeout", "mail.imap.timeout",
                    "mail.imap.connectiontimeout"}) {
                props.put(k, "5000");
            }
            Session session = Session.getInstance(props);
            Store store = session.getStore("imap");
            store.connect("alice", PASSWORD);
            try {
                IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
                inbox.open(Folder.READ_WRITE);
                CountDownLatch arrived = new CountDownLatch(1);
                inbox.addMessageCountListener(new MessageCountAdapter() {
                    @Override
                    public void messagesAdded(MessageCountEvent e) {
                        arrived.countDown();
                    }
                });
                Thread idler = Thread.ofVirtual().start(() -> {
                    try {
                        inbox.idle(true);
                    } catch (Exception e) {
                        // the latch below fails the test instead
                    }
                });
                Thread.sleep(300);     // IDLE reaches the server before the mail does

                MimeMessage sent = new MimeMessage(session);
                sent.setFrom(new InternetAddress("bob@localhost"));
                sent.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@localhost"));
                sent.setSubject("Grüße über IMAP", "UTF-8");
                sent.setSentDate(new Date());
                // a line that SMTP dot-stuffs, non-ASCII text, a line long enough to be folded by quoted-printable
                sent.setText(".leading dot\r\ncafé crème\r\n" + "x".repeat(200) + "\r\n", "UTF-8");
                long start = System.nanoTime();
                Transport.send(sent);
                assertThat(arrived.await(1, TimeUnit.SECONDS)).as("IDLE saw the delivery within a second").isTrue();
                assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
                idler.join(5000);

                ByteArrayOutputStream wire = new ByteArrayOutputStream();
                sent.writeTo(wire);     // the headers and body as they went over SMTP (saved by send)
                byte[] sentBytes = wire.toByteArray();
                IMAPMessage read = (IMAPMessage) inbox.getMessage(1);
                ByteArrayOutputStream fetched = new ByteArrayOutputStream();
                read.writeTo(fetched);
                byte[] got = fetched.toByteArray();
                // Portico puts only its trace fields (Return-Path, Received) before what the client sent
                assertThat(Arrays.copyOfRange(got, got.length - sentBytes.length, got.length)).isEqualTo(sentBytes);
                String trace = new String(got, 0, got.length - sentBytes.length, StandardCharsets.UTF_8);
                assertThat(trace).startsWith("Return-Path: <bob@localhost>\r\nReceived: from ");
                assertThat(read.getSubject()).isEqualTo("Grüße über IMAP");
                assertThat(read.getContent()).isEqualTo(".leading dot\r\ncafé crème\r\n" + "x".repeat(200) + "\r\n");
                int imapSize = read.getSize();
                assertThat(imapSize).isEqualTo(got.length);
                long uid = inbox.getUID(read);

                String uidl = pop3(p, imapSize);
                read.setFlag(Flags.Flag.SEEN, true);     // renames the Maildir file (new/ to cur/, ":2,S")
                read.setFlag(Flags.Flag.FLAGGED, true);
                assertThat(pop3(p, imapSize)).as("UIDL stays across IMAP flag changes").isEqualTo(uidl);
                inbox.close(false);

                IMAPFolder again = (IMAPFolder) store.getFolder("INBOX");
                again.open(Folder.READ_ONLY);
                assertThat(again.getMessageByUID(uid).getFlags().contains(Flags.Flag.FLAGGED)).isTrue();
                again.close(false);
            } finally {
                store.close();
            }
        }
    }

    /** POP3 sees the one message with IMAP's RFC822.SIZE and sends that many octets; returns its UIDL. */
    private static String pop3(Portico p, int imapSize) throws Exception {
        POP3Client pop = new POP3Client();
        pop.setDefaultTimeout(5000);
        pop.connect("127.0.0.1", p.port("pop3"));
        try {
            pop.setSoTimeout(5000);
            assertThat(pop.login("alice", PASSWORD)).isTrue();
            POP3MessageInfo[] list = pop.listMessages();
            assertThat(list).hasSize(1);
            assertThat(list[0].size).isEqualTo(imapSize);
            POP3MessageInfo[] uidl = pop.listUniqueIdentifiers();
            assertThat(uidl).hasSize(1);
            try (BufferedReader r = new BufferedReader(pop.retrieveMessage(1))) {
                // the dot-stuffing reader gives lines; each ends with CR LF on the wire
                long octets = r.lines().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 2L).sum();
                assertThat(octets).isEqualTo(imapSize);
            }
            pop.logout();
            return uidl[0].identifier;
        } finally {
            pop.disconnect();
        }
    }
}
