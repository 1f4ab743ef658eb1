package dev.portico.server;

import dev.portico.core.Settings;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.Permission;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestTls;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real {@code mbsync} (isync) synchronising an account with Portico both ways, over IMAP with
 * STARTTLS and the test's certificate, into a Maildir of its own: mail delivered over SMTP comes down
 * byte for byte, a message, a flag change and a folder made locally go up, deletions on either side
 * reach the other, and in the end both Maildirs hold the same messages with the same flags.
 * Skipped where mbsync is not installed ({@code .ci/run} installs it).
 */
@Timeout(120)
class PorticoMbsyncTest {

    private static final String PASSWORD = "pw-alice";

    @TempDir Path dir;

    @Test
    void mbsyncSynchronisesBothWays() throws Exception {
        assumeTrue(onPath("mbsync"), "mbsync (isync) is not installed");
        Path data = Files.createDirectories(dir.resolve("data"));
        Path local = dir.resolve("local");
        new FileUserDirectory(Portico.usersFile(data)).add("alice", PASSWORD.toCharArray(), EnumSet.of(Permission.READ));
        try (Portico p = Portico.builder(Settings.of("data", data.toString(), "users.hash-iterations", "1000",
                "telnet.port", "off", "ftp.port", "off", "pop3.port", "off", "smtp.port", "0", "imap.port", "0"))
                .tls(TestTls.SERVER).start()) {
            Path rc = mbsyncrc(p.port("imap"), local);
            Path server = data.resolve("mail/alice/Maildir");
            byte[] first = send(p, "first", "one\r\n");
            byte[] second = send(p, "second", ".dot-stuffed line\r\ntwo\r\n");

            // 1. pull: both messages, the bytes SMTP delivered (mbsync stores LF and adds its X-TUID)
            mbsync(rc);
            Map<String, String> pulled = maildir(local.resolve("INBOX"));
            assertThat(pulled).hasSize(2);
            assertThat(maildir(server)).isEqualTo(pulled);
            List<Path> serverFiles = files(server);
            assertThat(serverFiles).allSatisfy(f -> assertThat(Files.readAllBytes(f)).satisfiesAnyOf(
                    b -> assertThat(endsWith(b, first)).isTrue(), b -> assertThat(endsWith(b, second)).isTrue()));

            // 2. push: a new local message (Seen), a local flag (Flagged), a local delete, a new local folder
            Path localInbox = local.resolve("INBOX");
            Files.writeString(localInbox.resolve("cur/1796000000.local1.host:2,S"),
                    "From: alice@localhost\nTo: carol@example.com\nSubject: written here\nMessage-ID: <here@local>\n\nfrom the laptop\n");
            Path firstLocal = find(localInbox, "Subject: first");
            Files.move(firstLocal, localInbox.resolve("cur").resolve(firstLocal.getFileName().toString().replaceFirst(":2,.*$", "") + ":2,F"));
            Files.delete(find(localInbox, "Subject: second"));
            Path projects = local.resolve("Projects");
            for (String sub : new String[] {"cur", "new", "tmp"}) Files.createDirectories(projects.resolve(sub));
            Files.writeString(projects.resolve("new/1796000001.local2.host"), "Subject: project notes\n\nkept in a folder\n");
            mbsync(rc);
            Map<String, String> up = maildir(server);
            assertThat(up).hasSize(2);
            assertThat(up.get(key(localInbox, "Subject: first"))).isEqualTo("F");
            assertThat(up.get(key(localInbox, "Subject: written here"))).isEqualTo("S");
            assertThat(maildir(server.resolve(".Projects"))).isEqualTo(maildir(projects)).hasSize(1);

            // 3. changes on the server by another IMAP client: a flag added, a message deleted and expunged
            try (RawClient c = new RawClient(p.port("imap"))) {
                c.expect("* OK");
                imap(c, "a LOGIN alice " + PASSWORD);
                imap(c, "b SELECT INBOX");
                String search = imap(c, "c UID SEARCH SUBJECT first").get(0);
                imap(c, "d UID STORE " + search.substring("* SEARCH ".length()) + " +FLAGS (\\Answered)");
                String here = imap(c, "e UID SEARCH SUBJECT \"written here\"").get(0);
                imap(c, "f UID STORE " + here.substring("* SEARCH ".length()) + " +FLAGS (\\Deleted)");
                imap(c, "g EXPUNGE");
                imap(c, "h LOGOUT");
            }
            mbsync(rc);
            Map<String, String> down = maildir(localInbox);
            assertThat(down).hasSize(1).containsValue("FR");
            assertThat(maildir(server)).isEqualTo(down);

            // 4. a sync with nothing to do changes neither side
            mbsync(rc);
            assertThat(maildir(localInbox)).isEqualTo(down);
            assertThat(maildir(server)).isEqualTo(down);
            assertThat(maildir(server.resolve(".Projects"))).isEqualTo(maildir(projects));
        }
    }

    private static Path mbsyncrc(int port, Path local) throws Exception {
        Path cert = local.getParent().resolve("portico-test.pem");
        // mbsync trusts this certificate alone; its name (localhost) is the Host below
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(TestTls.SERVER.certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        Path rc = local.getParent().resolve("mbsyncrc");
        Files.createDirectories(local);
        // SSLType (isync 1.4; 1.5 still reads it, as TLSType's old name). No "Sync" line: both ways, everything.
        Files.writeString(rc, """
                IMAPAccount portico
                Host localhost
                Port %d
                User alice
                Pass %s
                SSLType STARTTLS
                CertificateFile %s
                Timeout 20

                IMAPStore portico-remote
                Account portico

                MaildirStore portico-local
                Path %s/
                Inbox %s/INBOX
                SubFolders Verbatim

                Channel portico
                Far :portico-remote:
                Near :portico-local:
                Patterns INBOX Projects
                Create Both
                Expunge Both
                SyncState *
                """.formatted(port, PASSWORD, cert, local, local));
        return rc;
    }

    private static void mbsync(Path rc) throws Exception {
        Path log = rc.resolveSibling("mbsync.log");
        Process proc = new ProcessBuilder("mbsync", "-V", "-c", rc.toString(), "-a")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!proc.waitFor(60, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new AssertionError("mbsync did not finish in 60 s:\n" + Files.readString(log));
        }
        assertThat(proc.exitValue()).as("mbsync's exit status; its output:\n%s", Files.readString(log)).isZero();
    }

    /** Sends one message over SMTP with Jakarta Mail; returns its bytes as they went over the wire. */
    private static byte[] send(Portico p, String subject, String body) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(p.port("smtp")));
        props.put("mail.smtp.timeout", "20000");     // a reply on a loaded 2-core CI machine; no timing claim
        Session session = Session.getInstance(props);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("bob@localhost"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@localhost"));
        m.setSubject(subject);
        m.setSentDate(new Date());
        m.setText(body);
        Transport.send(m);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    /** The messages of a Maildir folder (cur and new) as content (CR LF and mbsync's X-TUID taken out) to flags. */
    private static Map<String, String> maildir(Path folder) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (Path f : files(folder)) {
            String name = f.getFileName().toString();
            int info = name.indexOf(":2,");
            String previous = m.put(content(f), info < 0 ? "" : name.substring(info + 3));
            assertThat(previous).as("one copy of each message in %s", folder).isNull();
        }
        return m;
    }

    private static String content(Path f) throws IOException {
        return Files.readString(f, StandardCharsets.UTF_8).replace("\r\n", "\n").replaceAll("(?m)^X-TUID: .*\n", "");
    }

    private static String key(Path folder, String marker) throws IOException {
        return content(find(folder, marker));
    }

    private static Path find(Path folder, String marker) throws IOException {
        for (Path f : files(folder)) if (Files.readString(f).contains(marker)) return f;
        throw new AssertionError("no message with " + marker + " in " + folder);
    }

    private static List<Path> files(Path folder) throws IOException {
        List<Path> all = new ArrayList<>();
        for (String sub : new String[] {"cur", "new"}) {
            Path d = folder.resolve(sub);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                s.filter(Files::isRegularFile).forEach(all::add);
            }
        }
        return all;
    }

    private static boolean endsWith(byte[] b, byte[] suffix) {
        return b.length >= suffix.length
                && java.util.Arrays.equals(b, b.length - suffix.length, b.length, suffix, 0, suffix.length);
    }

    private static List<String> imap(RawClient c, String line) throws IOException {
        c.send(line);
        String tag = line.substring(0, line.indexOf(' '));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String l = c.readLine();
            if (l == null) throw new IOException("closed after " + lines);
            if (l.startsWith(tag + " ")) {
                assertThat(l).as("%s answered %s", line, lines).startsWith(tag + " OK");
                return lines;
            }
            lines.add(l);
        }
        throw new AssertionError("no tagged reply to " + line);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(File.pathSeparator)) if (Files.isExecutable(Path.of(d, program))) return true;
        return false;
    }
}
