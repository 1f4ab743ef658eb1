package dev.portico.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What every request passes before its handler: the token, the Host guard, the request limit, the route table. */
@Timeout(60)
class HttpAdmissionTest {

    @TempDir Path dir;

    @Test
    void withATokenEveryApiCallNeedsItButHealthAndReadyDoNot() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir, "http.token", "s3cret")) {
            HttpResponse<String> none = server.get("/api/v1/users");
            assertThat(HttpTestServer.json(none, 401).get("title").asText()).isEqualTo("Unauthorized");
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"portico\"");
            assertThat(server.send(server.request("/api/v1/users").header("Authorization", "Bearer wrong").GET().build())
                    .statusCode()).isEqualTo(401);
            assertThat(server.send(server.request("/api/v1/users").header("Authorization", "Basic czNjcmV0").GET().build())
                    .statusCode()).isEqualTo(401);
            assertThat(server.send(server.request("/api/v1/users").header("Authorization", "Bearer s3cret").GET().build())
                    .statusCode()).isEqualTo(200);
            assertThat(server.send(server.request("/api/v1/files/alice/x").header("Authorization", "Bearer s3cret")
                    .DELETE().build()).statusCode()).isEqualTo(404);
            assertThat(server.delete("/api/v1/messages").statusCode()).isEqualTo(401);
            assertThat(server.get("/health").statusCode()).isEqualTo(200);
            assertThat(server.get("/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withoutATokenTheApiIsOpen() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir)) {
            assertThat(server.get("/api/v1/users").statusCode()).isEqualTo(200);
            assertThat(HttpTestServer.json(server.get("/health"), 200).get("status").asText()).isEqualTo("up");
        }
    }

    @Test
    void aHostNameOtherThanLocalhostIsRefusedOnLoopback() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir)) {
            for (String host : List.of("localhost", "localhost:8025", "127.0.0.1:8025", "[::1]:8025", "app.localhost")) {
                assertThat(status(server, host)).as(host).isEqualTo(200);
            }
            for (String host : List.of("evil.example", "evil.example:8025", "127.0.0.1.evil.example")) {
                assertThat(status(server, host)).as(host).isEqualTo(403);
            }
        }
    }

    private static int status(HttpTestServer server, String host) throws Exception {
        try (RawClient c = new RawClient(server.http.port())) {
            c.sendRaw("GET /api/v1/users HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            String status = c.readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void unknownPathsAre404AndWrongMethods405WithAllow() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir)) {
            JsonNode p = HttpTestServer.json(server.get("/api/v2/messages"), 404);
            assertThat(p.get("type").asText()).isEqualTo("about:blank");
            assertThat(p.get("status").asInt()).isEqualTo(404);
            HttpResponse<String> r = server.send(server.request("/api/v1/users").PUT(
                    java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertThat(r.statusCode()).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET, POST");
            try (RawClient c = new RawClient(server.http.port())) {   // HttpClient will not send a broken escape
                c.sendRaw("GET /api/v1/files/alice/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                assertThat(c.readLine()).startsWith("HTTP/1.1 400 ");
            }
        }
    }

    @Test
    void requestsOverTheLimitGet503WithRetryAfter() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir, "http.max-requests", "1")) {
            CompletableFuture<HttpResponse<String>> waiting = server.client.sendAsync(
                    server.request("/api/v1/messages?count=1&timeout=30s").GET().build(), HttpResponse.BodyHandlers.ofString());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.http.runningRequests() == 0 && System.nanoTime() < until) Thread.onSpinWait();
            HttpResponse<String> refused = server.get("/api/v1/users");
            assertThat(HttpTestServer.json(refused, 503).get("detail").asText()).contains("http.max-requests");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            server.sendText("alice@localhost", "ends the wait", "x");
            assertThat(waiting.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(server.get("/api/v1/users").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void sessionsOfEveryServerAreListedAndClosed() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir)) {
            var ftp = server.alice();
            JsonNode sessions = HttpTestServer.json(server.get("/api/v1/sessions"), 200);
            assertThat(sessions).hasSize(1);
            JsonNode s = sessions.get(0);
            assertThat(s.get("protocol").asText()).isEqualTo("ftp");
            assertThat(s.get("user").asText()).isEqualTo("alice");
            assertThat(s.get("remote").asText()).startsWith("127.0.0.1:");
            assertThat(HttpTestServer.json(server.get("/api/v1/sessions?user=bob"), 200)).isEmpty();
            assertThat(server.delete("/api/v1/sessions/" + s.get("id").asLong()).statusCode()).isEqualTo(204);
            assertThat(closed(ftp)).isTrue();
            assertThat(server.delete("/api/v1/sessions/" + s.get("id").asLong()).statusCode()).isEqualTo(404);

            List<org.apache.commons.net.ftp.FTPClient> two = new ArrayList<>(List.of(server.alice(), server.alice()));
            assertThat(HttpTestServer.json(server.delete("/api/v1/sessions?user=alice"), 200).get("closed").asInt()).isEqualTo(2);
            for (var c : two) assertThat(closed(c)).isTrue();
            assertThat(server.delete("/api/v1/sessions").statusCode()).isEqualTo(400);
        }
    }

    /** Whether the FTP client finds its connection closed by the server. */
    private static boolean closed(org.apache.commons.net.ftp.FTPClient c) {
        try {
            return !c.sendNoOp();
        } catch (java.io.IOException e) {
            return true;
        }
    }

    @Test
    void readyListsEveryListenerAndChecksTheDataFolder() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir)) {
            JsonNode ready = HttpTestServer.json(server.get("/ready"), 200);
            assertThat(ready.get("status").asText()).isEqualTo("ready");
            assertThat(ready.get("listeners").findValuesAsText("name")).containsExactly("smtp", "ftp", "http");
            assertThat(ready.get("dataWritable").asBoolean()).isTrue();
            try (var files = Files.list(dir.resolve("data"))) {
                assertThat(files).isEmpty();   // the probe file is gone
            }
        }
    }

    @Test
    void readyIs503WhenTheDataFolderTakesNoWrites() throws Exception {
        // root may write anywhere, so "not writable" is a data folder that is not a folder
        Path notAFolder = Files.writeString(dir.resolve("data-file"), "x");
        try (HttpTestServer server = HttpTestServer.start(dir, notAFolder)) {
            JsonNode ready = HttpTestServer.json(server.get("/ready"), 503);
            assertThat(ready.get("status").asText()).isEqualTo("not ready");
            assertThat(ready.get("dataWritable").asBoolean()).isFalse();
            assertThat(server.get("/health").statusCode()).isEqualTo(200);
        }
    }
}
