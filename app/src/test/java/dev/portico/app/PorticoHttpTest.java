package dev.portico.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP listener as the launcher starts it: announced like every listener, over the process's own users, mail and files. */
@Timeout(120)
class PorticoHttpTest {

    @TempDir Path dir;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void devTurnsTheApiOnAtMailpitsPortUnlessAPortIsGiven() throws Exception {
        assertThat(resolved("--dev").port("http.port", OptionalInt.empty())).hasValue(8025);
        assertThat(resolved("--dev", "--http-port", "9025").port("http.port", OptionalInt.empty())).hasValue(9025);
        assertThat(resolved("--dev", "--set", "http.port=off").port("http.port", OptionalInt.of(1))).isEmpty();
        assertThat(resolved().port("http.port", OptionalInt.empty())).isEmpty();
        assertThat(resolved("--http-port", "0").port("http.port", OptionalInt.empty())).hasValue(0);
    }

    private dev.portico.core.Settings resolved(String... args) throws Exception {
        return Main.serveSettings(args);
    }

    @Test
    void aTestInAnyLanguageAddsAUserSendsMailAndReadsItBack() throws Exception {
        Path data = dir.resolve("data");
        try (PorticoProcess portico = PorticoProcess.serve(data, dir.resolve("portico.log"), "--dev", "--http-port", "0");
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            String base = "http://127.0.0.1:" + portico.port("http");

            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(ready.body()).get("listeners").findValuesAsText("name"))
                    .containsExactly("ftp", "smtp", "pop3", "imap", "http");

            HttpResponse<String> added = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/users"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"dana\",\"password\":\"dana-pw\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);

            Properties p = new Properties();
            p.put("mail.smtp.host", "127.0.0.1");
            p.put("mail.smtp.port", String.valueOf(portico.port("smtp")));
            p.put("mail.smtp.connectiontimeout", "5000");
            p.put("mail.smtp.timeout", "10000");
            MimeMessage m = new MimeMessage(Session.getInstance(p));
            m.setFrom(new InternetAddress("app@example.org"));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress("dana@localhost"));
            m.setSubject("Your order");
            m.setText("Thanks!");
            Transport.send(m);

            HttpResponse<String> mail = http.send(HttpRequest.newBuilder(
                    URI.create(base + "/api/v1/mailboxes/dana/messages?count=1&timeout=10s")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(mail.statusCode()).as(mail.body()).isEqualTo(200);
            JsonNode summary = JSON.readTree(mail.body()).get(0);
            assertThat(summary.get("subject").asText()).isEqualTo("Your order");
            JsonNode decoded = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + summary.get("href").asText()))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(decoded.get("text").asText()).isEqualTo("Thanks!\n");   // SMTP ends the body with a line end
        }
    }
}
