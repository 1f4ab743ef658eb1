package dev.portico.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portico.core.Listening;
import dev.portico.core.Settings;
import dev.portico.core.auth.LoginGuard;
import dev.portico.ftp.FtpConfig;
import dev.portico.ftp.FtpServer;
import dev.portico.smtp.SmtpConfig;
import dev.portico.smtp.SmtpServer;
import dev.portico.testing.TestServices;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP listener beside a real SMTP and a real FTP server, all on free ports of 127.0.0.1 over
 * one {@link TestServices} folder (users alice, read-write admin, and bob, read-only), as Portico
 * wires them: mail arrives over SMTP through Jakarta Mail, files over FTP through Commons Net, and
 * the test reads and changes them through {@link HttpClient}.
 */
final class HttpTestServer implements AutoCloseable {

    /**
     * {@code http.request-timeout} of every HTTP server of this module's tests: the JDK reads it
     * once per JVM ({@link HttpServer#MAX_REQ_TIME}), so they must all agree. The JDK's server also
     * uses it as the idle bound of a connection just accepted (its {@code ServerImpl}: the smaller
     * of the idle interval and the request time), so a dispatcher that falls behind for that long
     * closes connections whose request has not been read yet. With 3 s, one run of the build on a
     * loaded machine (these classes run four at a time, one of them beside Chromium) had two
     * requests reset without an answer; 10 s leaves such a machine room and keeps
     * {@link HttpRequestTimeoutTest} to about 11 s a test.
     */
    static final int REQUEST_TIMEOUT_SECONDS = 10;
    static final String REQUEST_TIMEOUT = REQUEST_TIMEOUT_SECONDS + "s";

    final Path dir;
    final TestServices services;
    final RecentActivity activity;
    final SmtpServer smtp;
    final FtpServer ftp;
    final HttpServer http;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<FTPClient> ftpClients = new ArrayList<>();

    private HttpTestServer(Path dir, TestServices services, RecentActivity activity, SmtpServer smtp, FtpServer ftp,
                           HttpServer http) {
        this.dir = dir;
        this.services = services;
        this.activity = activity;
        this.smtp = smtp;
        this.ftp = ftp;
        this.http = http;
    }

    /** Starts the three servers; {@code httpSettings} are more keys ({@code http.token}, ...). */
    static HttpTestServer start(Path dir, String... httpSettings) throws IOException {
        return start(dir, dir.resolve("data"), httpSettings);
    }

    /** As {@link #start(Path, String...)} with the folder {@code /ready} checks. */
    static HttpTestServer start(Path dir, Path dataDir, String... httpSettings) throws IOException {
        return start(dir, dataDir, TestServices.FAST_POLICY, httpSettings);
    }

    /** As {@link #start(Path, String...)} with logins slowed and banned by {@code policy}. */
    static HttpTestServer start(Path dir, LoginGuard.Policy policy, String... httpSettings) throws IOException {
        return start(dir, dir.resolve("data"), policy, httpSettings);
    }

    private static HttpTestServer start(Path dir, Path dataDir, LoginGuard.Policy policy, String... httpSettings) throws IOException {
        TestServices services = TestServices.create(dir, policy);
        // as Portico wires it: the status page's activity observes what the servers do
        RecentActivity activity = new RecentActivity();
        Listening listening = new Listening(services.listening().bindAddress(), services.sessions(), services.logins(), activity);
        Settings s = Settings.of("smtp.port", "0", "ftp.port", "0", "ftp.passive.ports", "0", "ftp.data-timeout", "5s",
                "http.port", "0", "http.request-timeout", REQUEST_TIMEOUT).with(Settings.of(httpSettings));
        SmtpConfig smtpConfig = SmtpConfig.from(s);
        FtpConfig ftpConfig = FtpConfig.from(s);
        HttpConfig httpConfig = HttpConfig.from(s);
        s.requireAllKnown();
        if (dataDir != null && !Files.exists(dataDir)) Files.createDirectories(dataDir);
        SmtpServer smtp = new SmtpServer(smtpConfig, new SmtpServer.Shared(listening, services.tls(),
                services.logins(), services.domains(), services.users(), services.mail(), dir.resolve("tmp").resolve("smtp"))).start();
        FtpServer ftp = new FtpServer(ftpConfig, new FtpServer.Shared(listening, services.tls(), services.logins(),
                services.files())).start();
        List<HttpServer.ListenerState> states = new ArrayList<>();
        HttpServer http = new HttpServer(httpConfig, new HttpServer.Shared(listening, services.users(),
                services.mail(), services.domains(), services.files(), () -> List.copyOf(states), dataDir,
                services.logins(), activity, null)).start();
        smtp.listeners().forEach((n, a) -> states.add(new HttpServer.ListenerState(n, a, true)));
        ftp.listeners().forEach((n, a) -> states.add(new HttpServer.ListenerState(n, a, true)));
        http.listeners().forEach((n, a) -> states.add(new HttpServer.ListenerState(n, a, true)));
        return new HttpTestServer(dir, services, activity, smtp, ftp, http);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + http.port() + path);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE().build());
    }

    HttpResponse<String> put(String path, byte[] body) throws IOException, InterruptedException {
        return send(request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }

    /** The body as JSON after checking the status, so a failure shows the problem object. */
    static JsonNode json(HttpResponse<String> r, int status) throws IOException {
        assertThat(r.statusCode()).as(r.request().method() + " " + r.uri() + ": " + r.body()).isEqualTo(status);
        return json(r);
    }

    /** Sends a message over SMTP with Jakarta Mail, as an application under test would. */
    void sendMail(MimeMessage message) throws MessagingException {
        Transport.send(message);
    }

    /** A Jakarta Mail message bound to this SMTP server. */
    MimeMessage newMessage(String from, String to, String subject) throws MessagingException {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(smtp.port()));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "20000");     // a reply on a loaded 2-core CI machine; no timing claim
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject(subject, "UTF-8");
        return m;
    }

    /** Sends a plain text message over SMTP. */
    void sendText(String to, String subject, String text) throws MessagingException {
        MimeMessage m = newMessage("sender@example.org", to, subject);
        m.setText(text, "UTF-8");
        sendMail(m);
    }

    /** A client logged in over FTP in passive binary mode; closed with the server. */
    FTPClient ftp(String user, String password) throws IOException {
        FTPClient c = new FTPClient();
        c.setConnectTimeout(5000);
        c.setDefaultTimeout(5000);
        c.connect("127.0.0.1", ftp.port());
        c.setSoTimeout(5000);
        ftpClients.add(c);
        assertThat(c.login(user, password)).as("FTP login " + user).isTrue();
        c.enterLocalPassiveMode();
        c.setFileType(FTP.BINARY_FILE_TYPE);
        return c;
    }

    FTPClient alice() throws IOException {
        return ftp("alice", TestServices.ALICE_PASSWORD);
    }

    /** Uploads over FTP (STOR) as alice. */
    void upload(String path, byte[] content) throws IOException {
        FTPClient c = alice();
        assertThat(c.storeFile(path, new ByteArrayInputStream(content))).as("STOR " + path + ": " + c.getReplyString()).isTrue();
    }

    /** Downloads over FTP (RETR) as alice, or null when the server refuses. */
    byte[] download(String path) throws IOException {
        FTPClient c = alice();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return c.retrieveFile(path, out) ? out.toByteArray() : null;
    }

    @Override
    public void close() throws IOException {
        for (FTPClient c : ftpClients) {
            try {
                if (c.isConnected()) c.disconnect();
            } catch (IOException ignored) {
                // test clean-up
            }
        }
        http.close();
        ftp.close();
        smtp.close();
        client.close();
    }
}
