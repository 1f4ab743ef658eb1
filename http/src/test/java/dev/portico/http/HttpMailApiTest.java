package dev.portico.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portico.core.mail.Mailbox;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Mail sent over real SMTP with Jakarta Mail, then listed, read, waited for and deleted through the HTTP API. */
@Timeout(60)
class HttpMailApiTest {

    @TempDir java.nio.file.Path dir;
    private HttpTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpTestServer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** Text and HTML alternatives, a CSV attachment and one with a non-ASCII name. */
    private void sendReport(String to) throws Exception {
        MimeMessage m = server.newMessage("Ärger Report <reports@example.org>", to, "Report Ü");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Hello Ünïcode\n", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>Hello</p>", "text/html; charset=UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative", text, html);
        MimeBodyPart body = new MimeBodyPart();
        body.setContent(alternative);
        MimeBodyPart csv = new MimeBodyPart();
        csv.setContent("a,b\n1,2\n", "text/csv");
        csv.setDisposition("attachment");
        csv.setFileName("report.csv");
        MimeBodyPart pdf = new MimeBodyPart();
        pdf.setDataHandler(new jakarta.activation.DataHandler(new jakarta.mail.util.ByteArrayDataSource(
                new byte[]{'%', 'P', 'D', 'F', 0, 1, 2, (byte) 0xff}, "application/pdf")));
        pdf.setFileName(jakarta.mail.internet.MimeUtility.encodeText("résumé.pdf", "UTF-8", "B"));
        m.setContent(new MimeMultipart("mixed", body, csv, pdf));
        server.sendMail(m);
    }

    @Test
    void mailSentOverSmtpIsListedReadAndDeleted() throws Exception {
        sendReport("alice@localhost, bob@localhost");

        JsonNode all = HttpTestServer.json(server.get("/api/v1/messages"), 200);
        assertThat(all).hasSize(2);
        assertThat(all.findValuesAsText("mailbox")).containsExactlyInAnyOrder("alice", "bob");

        JsonNode list = HttpTestServer.json(server.get("/api/v1/mailboxes/alice/messages"), 200);
        assertThat(list).hasSize(1);
        JsonNode summary = list.get(0);
        assertThat(summary.get("from").get("name").asText()).isEqualTo("Ärger Report");
        assertThat(summary.get("from").get("address").asText()).isEqualTo("reports@example.org");
        assertThat(summary.get("to").findValuesAsText("address")).containsExactly("alice@localhost", "bob@localhost");
        assertThat(summary.get("subject").asText()).isEqualTo("Report Ü");
        assertThat(summary.get("date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(summary.get("size").asLong()).isPositive();
        String id = summary.get("id").asText();
        String href = summary.get("href").asText();
        assertThat(href).startsWith("/api/v1/mailboxes/alice/messages/");

        JsonNode decoded = HttpTestServer.json(server.get(href), 200);
        assertThat(decoded.get("id").asText()).isEqualTo(id);
        assertThat(decoded.get("text").asText()).isEqualTo("Hello Ünïcode\n");
        assertThat(decoded.get("html").asText()).isEqualTo("<p>Hello</p>");
        assertThat(decoded.get("parts")).hasSize(4);
        assertThat(decoded.get("attachments").findValuesAsText("fileName")).containsExactly("report.csv", "résumé.pdf");
        assertThat(decoded.get("headers").findValuesAsText("name")).contains("Subject", "From", "Received");

        HttpResponse<byte[]> csv = server.getBytes(decoded.get("attachments").get(0).get("href").asText());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(new String(csv.body(), StandardCharsets.US_ASCII)).isEqualTo("a,b\r\n1,2\r\n");
        assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=us-ascii");
        assertThat(csv.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"report.csv\"; filename*=UTF-8''report.csv");

        HttpResponse<byte[]> pdf = server.getBytes(href + "/attachments/r%C3%A9sum%C3%A9.pdf");
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.body()).containsExactly('%', 'P', 'D', 'F', 0, 1, 2, 0xff);
        assertThat(pdf.headers().firstValue("Content-Disposition").orElseThrow())
                .isEqualTo("attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");

        HttpResponse<byte[]> raw = server.getBytes(href + "/raw");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("Content-Type")).hasValue("message/rfc822");
        try (Mailbox box = server.services.mail().open("alice", false);
             var stored = box.content(id)) {
            assertThat(raw.body()).isEqualTo(stored.readAllBytes());
        }

        assertThat(server.delete(href).statusCode()).isEqualTo(204);
        assertThat(HttpTestServer.json(server.get(href), 404).get("status").asInt()).isEqualTo(404);
        assertThat(HttpTestServer.json(server.get("/api/v1/messages"), 200).findValuesAsText("mailbox")).containsExactly("bob");

        assertThat(HttpTestServer.json(server.delete("/api/v1/messages"), 200).get("deleted").asInt()).isEqualTo(1);
        assertThat(HttpTestServer.json(server.get("/api/v1/messages"), 200)).isEmpty();
    }

    @Test
    void partsAreServedByNumberAndAMissingOneIs404() throws Exception {
        sendReport("alice@localhost");
        String href = HttpTestServer.json(server.get("/api/v1/mailboxes/alice/messages"), 200).get(0).get("href").asText();
        HttpResponse<String> text = server.get(href + "/parts/1");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type")).hasValue("text/plain; charset=UTF-8");
        assertThat(text.body()).isEqualTo("Hello Ünïcode\r\n");
        assertThat(HttpTestServer.json(server.get(href + "/parts/5"), 404).get("detail").asText()).contains("parts 1 to 4");
        assertThat(server.get(href + "/parts/x").statusCode()).isEqualTo(404);
        assertThat(server.get(href + "/attachments/nothing.txt").statusCode()).isEqualTo(404);
    }

    @Test
    void aWaitReturnsOnceTheMessagesHaveArrived() throws Exception {
        CompletableFuture<HttpResponse<String>> waiting = server.client.sendAsync(
                server.request("/api/v1/mailboxes/alice/messages?count=2&timeout=30s").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        server.sendText("alice@localhost", "one", "first");
        assertThat(waiting).isNotDone();
        server.sendText("alice@localhost", "two", "second");
        HttpResponse<String> r = waiting.get(30, TimeUnit.SECONDS);
        assertThat(HttpTestServer.json(r, 200).findValuesAsText("subject")).containsExactly("one", "two");
    }

    @Test
    void aWaitOverAllMailboxesCountsEveryMailbox() throws Exception {
        server.sendText("alice@localhost", "for alice", "a");
        server.sendText("postmaster@localhost", "for the postmaster", "p");
        JsonNode all = HttpTestServer.json(server.get("/api/v1/messages?count=2&timeout=5s"), 200);
        assertThat(all.findValuesAsText("mailbox")).containsExactlyInAnyOrder("alice", "postmaster");
        JsonNode boxes = HttpTestServer.json(server.get("/api/v1/mailboxes"), 200);
        assertThat(boxes.findValuesAsText("name")).contains("alice", "postmaster");
    }

    @Test
    void aWaitThatRunsOutIs408WithWhatArrived() throws Exception {
        server.sendText("alice@localhost", "only one", "x");
        JsonNode p = HttpTestServer.json(server.get("/api/v1/mailboxes/alice/messages?count=2&timeout=200ms"), 408);
        assertThat(p.get("detail").asText()).isEqualTo("1 of 2 messages arrived in alice within 200 ms");
    }

    @Test
    void waitsAreBounded() throws Exception {
        assertThat(HttpTestServer.json(server.get("/api/v1/messages?count=1&timeout=10m"), 400).get("detail").asText())
                .contains("http.max-wait");
        assertThat(server.get("/api/v1/messages?count=-1").statusCode()).isEqualTo(400);
        assertThat(server.get("/api/v1/messages?count=many").statusCode()).isEqualTo(400);
        assertThat(server.get("/api/v1/messages?count=1&timeout=soon").statusCode()).isEqualTo(400);
    }

    @Test
    void aWaitEndsWhenTheServerStops() throws Exception {
        CompletableFuture<HttpResponse<String>> waiting = server.client.sendAsync(
                server.request("/api/v1/messages?count=1&timeout=60s").GET().build(), HttpResponse.BodyHandlers.ofString());
        // the request is running once the server counts it: close only then, or it would never have waited
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.http.runningRequests() == 0 && System.nanoTime() < until) Thread.onSpinWait();
        assertThat(server.http.runningRequests()).isEqualTo(1);
        long started = System.nanoTime();
        server.http.close();
        HttpResponse<String> r = waiting.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
    }

    @Test
    void anUnknownMailboxIsEmptyAndLookingCreatesNothing() throws Exception {
        assertThat(HttpTestServer.json(server.get("/api/v1/mailboxes/nobody/messages"), 200)).isEmpty();
        assertThat(server.services.mail().mailboxes()).doesNotContain("nobody");
        assertThat(server.get("/api/v1/mailboxes/nobody/messages/123").statusCode()).isEqualTo(404);
        assertThat(server.get("/api/v1/mailboxes/Not%20A%20Name/messages").statusCode()).isEqualTo(404);
    }

    @Test
    void aMailboxHeldByPop3CannotBeEmptiedUntilReleased() throws Exception {
        server.sendText("alice@localhost", "held", "x");
        // what a POP3 session holds between USER/PASS and QUIT (RFC 1939 §8: an exclusive lock)
        try (Mailbox pop3 = server.services.mail().open("alice", true)) {
            assertThat(HttpTestServer.json(server.delete("/api/v1/mailboxes/alice/messages"), 409).get("detail").asText())
                    .contains("POP3");
            assertThat(HttpTestServer.json(server.delete("/api/v1/messages"), 409).get("detail").asText()).contains("alice");
            assertThat(pop3.messages()).hasSize(1);
        }
        assertThat(HttpTestServer.json(server.delete("/api/v1/mailboxes/alice/messages"), 200).get("deleted").asInt()).isEqualTo(1);
    }

    @Test
    void aMessageThatIsNotMimeIs422ButServedRaw() throws Exception {
        byte[] broken = ("From: x@example.org\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed\r\n\r\nno boundary anywhere\r\n").getBytes(StandardCharsets.US_ASCII);
        server.services.mail().deliver(List.of("alice"), new ByteArrayInputStream(broken));
        JsonNode list = HttpTestServer.json(server.get("/api/v1/mailboxes/alice/messages"), 200);
        assertThat(list.get(0).get("subject").asText()).isEqualTo("broken");
        String href = list.get(0).get("href").asText();
        JsonNode p = HttpTestServer.json(server.get(href), 422);
        assertThat(p.get("detail").asText()).contains("/raw");
        assertThat(server.getBytes(href + "/raw").body()).isEqualTo(broken);
    }
}
