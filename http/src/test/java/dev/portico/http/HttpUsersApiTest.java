package dev.portico.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Users listed and added over HTTP are the users every server logs in. */
@Timeout(60)
class HttpUsersApiTest {

    @TempDir Path dir;
    private HttpTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpTestServer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void listsTheUsersWithTheirRights() throws Exception {
        JsonNode users = HttpTestServer.json(server.get("/api/v1/users"), 200);
        assertThat(users.findValuesAsText("name")).containsExactly("alice", "bob");
        assertThat(users.get(0).get("address").asText()).isEqualTo("alice@localhost");
        assertThat(users.get(0).get("admin").asBoolean()).isTrue();
        assertThat(users.get(1).get("readOnly").asBoolean()).isTrue();
        assertThat(users.get(1).get("permissions").toString()).isEqualTo("[\"read\"]");
        assertThat(users.toString()).doesNotContain("secret").doesNotContain("pbkdf2");
        assertThat(HttpTestServer.json(server.get("/api/v1/users/bob"), 200).get("name").asText()).isEqualTo("bob");
        assertThat(server.get("/api/v1/users/nobody").statusCode()).isEqualTo(404);
    }

    @Test
    void aUserAddedOverHttpLogsInOverFtpAndGetsMail() throws Exception {
        HttpResponse<String> r = server.postJson("/api/v1/users", "{\"name\":\"Carol\",\"password\":\"c-secret\"}");
        JsonNode carol = HttpTestServer.json(r, 201);
        assertThat(carol.get("name").asText()).isEqualTo("carol");
        assertThat(carol.get("readOnly").asBoolean()).isFalse();
        assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/users/carol");

        FTPClient ftp = server.ftp("carol", "c-secret");
        assertThat(ftp.storeFile("hello.txt", new ByteArrayInputStream(new byte[]{'h', 'i'}))).isTrue();
        assertThat(server.get("/api/v1/files/carol/hello.txt").body()).isEqualTo("hi");

        server.sendText("carol@localhost", "welcome", "hello carol");
        assertThat(HttpTestServer.json(server.get("/api/v1/mailboxes/carol/messages?count=1"), 200)
                .findValuesAsText("subject")).containsExactly("welcome");

        assertThat(server.delete("/api/v1/users/carol").statusCode()).isEqualTo(204);
        assertThat(server.services.users().find("carol")).isEmpty();
    }

    @Test
    void aReadOnlyUserAddedOverHttpCannotStoreOverFtp() throws Exception {
        HttpTestServer.json(server.postJson("/api/v1/users",
                "{\"name\":\"dave\",\"password\":\"d-secret\",\"readOnly\":true,\"admin\":false}"), 201);
        FTPClient ftp = server.ftp("dave", "d-secret");
        assertThat(ftp.storeFile("x.txt", new ByteArrayInputStream(new byte[]{'x'}))).isFalse();
        assertThat(ftp.getReplyCode()).isEqualTo(550);
    }

    @Test
    void badNewUsersAreRefusedWithTheReason() throws Exception {
        assertThat(HttpTestServer.json(server.postJson("/api/v1/users", "{\"name\":\"alice\",\"password\":\"x\"}"), 409)
                .get("detail").asText()).isEqualTo("user alice exists already");
        assertThat(server.postJson("/api/v1/users", "{\"name\":\"../root\",\"password\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(server.postJson("/api/v1/users", "{\"name\":\"erin\",\"password\":\"\"}").statusCode()).isEqualTo(400);
        assertThat(server.postJson("/api/v1/users", "{\"name\":\"erin\"}").statusCode()).isEqualTo(400);
        assertThat(HttpTestServer.json(server.postJson("/api/v1/users", "{\"name\":\"erin\",\"password\":\"x\",\"readonly\":true}"), 400)
                .get("detail").asText()).contains("readonly");
        assertThat(server.postJson("/api/v1/users", "not json").statusCode()).isEqualTo(400);
        assertThat(server.postJson("/api/v1/users", "{\"name\":\"erin\",\"password\":\"x\"} {}").statusCode()).isEqualTo(400);
        assertThat(server.postJson("/api/v1/users", "{\"name\":\"erin\",\"password\":\"" + "x".repeat(70_000) + "\"}")
                .statusCode()).isEqualTo(413);
        assertThat(server.services.users().find("erin")).isEmpty();
    }

    @Test
    void aFormPostIsRefusedSoThatNoWebPageCanAddUsers() throws Exception {
        // a cross-site form or fetch without a CORS preflight can send text/plain or a form, never application/json
        HttpResponse<String> r = server.send(server.request("/api/v1/users")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"mallory\",\"password\":\"x\"}")).build());
        assertThat(HttpTestServer.json(r, 415).get("detail").asText()).contains("application/json");
        assertThat(server.services.users().find("mallory")).isEmpty();
    }
}
