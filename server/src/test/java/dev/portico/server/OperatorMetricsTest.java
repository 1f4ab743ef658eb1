package dev.portico.server;

import dev.portico.core.Settings;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.PasswordHash;
import dev.portico.core.auth.Permission;
import dev.portico.testing.RawClient;
import dev.portico.testing.TestTls;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator scrapes and greps after real clients used the servers: {@code /metrics} moves
 * by exactly what an FTP session (a failed login, a login, an upload, a download) and an SMTP
 * session (STARTTLS, one message accepted, one refused) and a client that fails its TLS handshake did, and {@code log.xferlog} and
 * {@code log.maillog} hold one line per transfer and per transaction in their formats.
 */
@Timeout(60)
class OperatorMetricsTest {

    private static final String PASSWORD = "alice-secret";
    private static final int UPLOAD = 70_001;
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

    @TempDir Path data;
    private Portico portico;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        new FileUserDirectory(Portico.usersFile(data), new PasswordHash(1000))
                .add("alice", PASSWORD.toCharArray(), EnumSet.of(Permission.READ, Permission.WRITE));
        portico = Portico.builder(Settings.of("data", data.toString(), "users.hash-iterations", "1000",
                        "telnet.port", "off", "pop3.port", "off", "imap.port", "off", "ftp.port", "0", "smtp.port", "0", "http.port", "0",
                        "smtp.max-message-size", "4000", "login.failure-delay", "1ms", "login.max-failure-delay", "5ms",
                        "log.xferlog", "xferlog", "log.maillog", "logs/maillog"))
                .tls(TestTls.SERVER).start();
    }

    @AfterEach
    void stop() {
        if (portico != null) portico.close();
    }

    @Test
    void countersMoveByWhatTheSessionsDidAndTheLogFilesHaveALinePerTransferAndMessage() throws Exception {
        HttpResponse<String> first = get("/metrics", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        String before = first.body();
        // every listener is there before its first session, and the JVM's own meters
        assertThat(value(before, "portico_sessions_total", "protocol=\"smtp\"")).isZero();
        assertThat(before).contains("jvm_memory_used_bytes{", "jvm_threads_live_threads ", "jvm_gc_",
                "process_uptime_seconds ", "process_cpu_usage ", "portico_bans_active ");

        byte[] file = new byte[UPLOAD];
        new Random(7).nextBytes(file);
        ftpSession(file);
        smtpSession();
        try (RawClient notTls = new RawClient(portico.port("smtp")).timeout(10_000)) {
            notTls.expect("220");
            notTls.send("EHLO client.example").expect("250");
            notTls.send("STARTTLS").expect("220");
            notTls.send("this is no TLS ClientHello");
            notTls.expectClosed();
        }

        String after = get("/metrics", null).body();
        assertThat(delta(before, after, "portico_logins_total", "protocol=\"ftp\"", "result=\"failed\"")).isEqualTo(1);
        assertThat(delta(before, after, "portico_logins_total", "protocol=\"ftp\"", "result=\"ok\"")).isEqualTo(1);
        assertThat(delta(before, after, "portico_sessions_total", "protocol=\"ftp\"")).isEqualTo(2);
        assertThat(delta(before, after, "portico_sessions_total", "protocol=\"smtp\"")).isEqualTo(2);
        for (String direction : List.of("upload", "download")) {
            assertThat(delta(before, after, "portico_ftp_transfers_seconds_count", "direction=\"" + direction + "\"",
                    "result=\"complete\"")).as(direction).isEqualTo(1);
            assertThat(delta(before, after, "portico_ftp_transferred_bytes_total", "direction=\"" + direction + "\"",
                    "result=\"complete\"")).as(direction).isEqualTo(UPLOAD);
        }
        // the session's traffic holds the file and the control connection's lines
        assertThat(delta(before, after, "portico_received_bytes_total", "protocol=\"ftp\"")).isGreaterThan(UPLOAD);
        assertThat(delta(before, after, "portico_sent_bytes_total", "protocol=\"ftp\"")).isGreaterThan(UPLOAD);
        assertThat(delta(before, after, "portico_smtp_messages_total", "result=\"accepted\"")).isEqualTo(1);
        assertThat(delta(before, after, "portico_smtp_messages_total", "result=\"rejected\"")).isEqualTo(1);
        assertThat(delta(before, after, "portico_smtp_message_size_bytes_count")).isEqualTo(1);
        assertThat(delta(before, after, "portico_smtp_delivery_seconds_count")).isEqualTo(1);
        assertThat(delta(before, after, "portico_tls_handshakes_total", "protocol=\"smtp\"", "result=\"ok\"")).isEqualTo(1);
        assertThat(delta(before, after, "portico_tls_handshakes_total", "protocol=\"smtp\"", "result=\"failed\"")).isEqualTo(1);
        assertThat(delta(before, after, "portico_bans_total")).isZero();

        List<String> xferlog = Files.readAllLines(data.resolve("xferlog"));
        assertThat(xferlog).hasSize(2);
        assertXferlogLine(xferlog.get(0), "i");
        assertXferlogLine(xferlog.get(1), "o");

        List<String> maillog = Files.readAllLines(data.resolve("logs/maillog"));
        assertThat(maillog).hasSize(2);
        assertThat(maillog.get(0)).matches("[A-Z][a-z]{2} [ 1-3][0-9] \\d\\d:\\d\\d:\\d\\d localhost portico/smtpd\\[\\d+]: "
                + "\\S+: client=unknown\\[127\\.0\\.0\\.1], from=<carol@example\\.org>, size=\\d+, nrcpt=1, "
                + "to=<alice@localhost>, status=sent \\(250 2\\.0\\.0 Ok: message accepted\\)");
        assertThat(maillog.get(1)).matches("[A-Z][a-z]{2} [ 1-3][0-9] \\d\\d:\\d\\d:\\d\\d localhost portico/smtpd\\[\\d+]: "
                + "NOQUEUE: reject: END-OF-MESSAGE from unknown\\[127\\.0\\.0\\.1]: 552 .*; from=<carol@example\\.org> "
                + "to=<alice@localhost> proto=ESMTP helo=<client\\.example>");
    }

    /** xferlog(5): the ctime date (5 words), then 13 fields in their order. */
    private static void assertXferlogLine(String line, String direction) {
        String[] f = line.split(" +");
        assertThat(f).as(line).hasSize(18);
        LocalDateTime.parse(line.substring(0, 24), CTIME);       // current-time
        assertThat(f[5]).as("transfer-time").matches("[0-9]+");
        assertThat(f[6]).as("remote-host").isEqualTo("127.0.0.1");
        assertThat(f[7]).as("file-size").isEqualTo(String.valueOf(UPLOAD));
        assertThat(f[8]).as("filename, its space written as _").isEqualTo("/my_file.bin");
        assertThat(f[9]).as("transfer-type").isEqualTo("b");
        assertThat(f[10]).as("special-action-flag").isEqualTo("_");
        assertThat(f[11]).as("direction").isEqualTo(direction);
        assertThat(f[12]).as("access-mode").isEqualTo("r");
        assertThat(f[13]).as("username").isEqualTo("alice");
        assertThat(f[14]).as("service-name").isEqualTo("ftp");
        assertThat(f[15]).as("authentication-method").isEqualTo("0");
        assertThat(f[16]).as("authenticated-user-id").isEqualTo("*");
        assertThat(f[17]).as("completion-status").isEqualTo("c");
    }

    private void ftpSession(byte[] file) throws IOException {
        FTPClient wrong = ftp();
        try {
            assertThat(wrong.login("alice", "not-the-password")).isFalse();
        } finally {
            wrong.disconnect();
        }
        FTPClient ftp = ftp();
        try {
            assertThat(ftp.login("alice", PASSWORD)).isTrue();
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            ftp.enterLocalPassiveMode();
            assertThat(ftp.storeFile("my file.bin", new ByteArrayInputStream(file))).isTrue();
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            assertThat(ftp.retrieveFile("my file.bin", back)).isTrue();
            assertThat(back.toByteArray()).isEqualTo(file);
            ftp.logout();
        } finally {
            ftp.disconnect();
        }
    }

    private FTPClient ftp() throws IOException {
        FTPClient ftp = new FTPClient();
        ftp.setConnectTimeout(5000);
        ftp.setDefaultTimeout(10_000);
        ftp.connect("127.0.0.1", portico.port("ftp"));
        ftp.setSoTimeout(10_000);
        return ftp;
    }

    private void smtpSession() throws IOException {
        try (RawClient smtp = new RawClient(portico.port("smtp")).timeout(10_000)) {
            smtp.expect("220");
            smtp.send("EHLO client.example").expect("250");
            smtp.send("STARTTLS").expect("220");
            smtp.startTls();
            smtp.send("EHLO client.example").expect("250");
            message(smtp, "a short note");
            smtp.expect("250");
            message(smtp, "x".repeat(70).concat("\r\n").repeat(80));   // over smtp.max-message-size
            smtp.expect("552");
            smtp.send("QUIT").expect("221");
        }
    }

    private static void message(RawClient smtp, String body) throws IOException {
        smtp.send("MAIL FROM:<carol@example.org>").expect("250");
        smtp.send("RCPT TO:<alice@localhost>").expect("250");
        smtp.send("DATA").expect("354");
        smtp.sendRaw("From: carol@example.org\r\nSubject: hello\r\n\r\n" + body + "\r\n.\r\n");
    }

    @Test
    void withATokenMetricsNeedItAndHealthDoesNot() throws Exception {
        portico.close();
        portico = Portico.start(Settings.of("data", data.resolve("second").toString(), "users.hash-iterations", "1000",
                "telnet.port", "off", "pop3.port", "off", "imap.port", "off", "ftp.port", "off", "smtp.port", "off", "http.port", "0",
                "http.token", "s3cret"));
        assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> ok = get("/metrics", "s3cret");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("portico_bans_active 0");
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/ready", null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portico.port("http") + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) r.header("Authorization", "Bearer " + token);
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double delta(String before, String after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    /** The sample of {@code name} whose labels include all of {@code labels}; 0 when there is none yet. */
    static double value(String scrape, String name, String... labels) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{([^}]*)})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = sample.matcher(scrape);
        while (m.find()) {
            String have = m.group(2) == null ? "" : m.group(2);
            boolean all = true;
            for (String l : labels) all &= List.of(have.split(",")).contains(l);
            if (all) return Double.parseDouble(m.group(3));
        }
        return 0;
    }
}
