package dev.portico.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portico.testing.RawClient;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A user's home through the HTTP API beside FTP: what one writes the other reads, and no request leaves the home. */
@Timeout(60)
class HttpFilesApiTest {

    @TempDir Path dir;
    private HttpTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpTestServer.start(dir, "http.max-body", "16K");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private Path home(String user) {
        return dir.resolve("files").resolve(user);
    }

    @Test
    void aFileUploadedOverFtpIsReadListedAndDeletedOverHttp() throws Exception {
        FTPClient ftp = server.alice();
        assertThat(ftp.makeDirectory("reports")).isTrue();
        server.upload("reports/q1.csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));

        HttpResponse<byte[]> file = server.getBytes("/api/v1/files/alice/reports/q1.csv");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(new String(file.body(), StandardCharsets.UTF_8)).isEqualTo("a,b\n1,2\n");
        assertThat(file.headers().firstValue("Content-Type")).hasValue("application/octet-stream");

        JsonNode root = HttpTestServer.json(server.get("/api/v1/files/alice/"), 200);
        assertThat(root.get("path").asText()).isEqualTo("/");
        assertThat(root.get("entries").get(0).get("name").asText()).isEqualTo("reports");
        assertThat(root.get("entries").get(0).get("type").asText()).isEqualTo("directory");
        JsonNode reports = HttpTestServer.json(server.get("/api/v1/files/alice/reports"), 200);
        assertThat(reports.get("entries").get(0).get("path").asText()).isEqualTo("/reports/q1.csv");
        assertThat(reports.get("entries").get(0).get("size").asLong()).isEqualTo(8);

        assertThat(server.delete("/api/v1/files/alice/reports/q1.csv").statusCode()).isEqualTo(204);
        assertThat(server.download("reports/q1.csv")).isNull();
        assertThat(HttpTestServer.json(server.get("/api/v1/files/alice/reports/q1.csv"), 404).get("detail").asText())
                .isEqualTo("no such file or directory: /reports/q1.csv");
        assertThat(server.delete("/api/v1/files/alice/reports").statusCode()).isEqualTo(204);
    }

    @Test
    void aFilePutOverHttpIsReadOverFtp() throws Exception {
        byte[] content = "uploaded by a test in another language\n".getBytes(StandardCharsets.UTF_8);
        JsonNode made = HttpTestServer.json(server.put("/api/v1/files/alice/in/box/note.txt", content), 201);
        assertThat(made.get("path").asText()).isEqualTo("/in/box/note.txt");
        assertThat(made.get("size").asLong()).isEqualTo(content.length);
        assertThat(server.download("in/box/note.txt")).isEqualTo(content);

        byte[] shorter = "v2".getBytes(StandardCharsets.UTF_8);
        assertThat(server.put("/api/v1/files/alice/in/box/note.txt", shorter).statusCode()).isEqualTo(200);
        assertThat(server.download("in/box/note.txt")).isEqualTo(shorter);

        assertThat(HttpTestServer.json(server.put("/api/v1/files/alice/empty-dir/", new byte[0]), 201).get("type").asText())
                .isEqualTo("directory");
        assertThat(Files.isDirectory(home("alice").resolve("empty-dir"))).isTrue();
    }

    @Test
    void namesAreDecodedOnceAndServedExactly() throws Exception {
        byte[] content = {1, 2, 3};
        assertThat(server.put("/api/v1/files/alice/a%20b%2Bc%C3%A9.bin", content).statusCode()).isEqualTo(201);
        assertThat(Files.readAllBytes(home("alice").resolve("a b+cé.bin"))).isEqualTo(content);
    }

    @Test
    void pathsThatWouldLeaveTheHomeAreRefusedBeforeTheStoreIsAsked() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "outside every home");
        server.upload("inside.txt", "in".getBytes(StandardCharsets.UTF_8));
        for (String path : new String[]{
                "/api/v1/files/alice/../secret.txt",
                "/api/v1/files/alice/../../secret.txt",
                "/api/v1/files/alice/%2e%2e/%2e%2e/secret.txt",
                "/api/v1/files/alice/./inside.txt",
                "/api/v1/files/alice/..%2F..%2Fsecret.txt",
                "/api/v1/files/alice/%2Fetc%2Fpasswd",
                "/api/v1/files/alice//etc/passwd",
                "/api/v1/files/alice/..%5C..%5Csecret.txt",
                "/api/v1/files/alice/a%00b"}) {
            HttpResponse<String> get = server.get(path);
            assertThat(get.statusCode()).as("GET " + path).isEqualTo(400);
            assertThat(get.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(server.put(path, new byte[]{'x'}).statusCode()).as("PUT " + path).isEqualTo(400);
            assertThat(server.delete(path).statusCode()).as("DELETE " + path).isEqualTo(400);
        }
        assertThat(Files.readString(dir.resolve("secret.txt"))).isEqualTo("outside every home");
        assertThat(home("alice").resolve("inside.txt")).exists();
    }

    @Test
    void aRawDotDotPathIsRefusedToo() throws Exception {
        // HttpClient sends what it is given; a raw request leaves no doubt that nothing normalised it on the way
        Files.writeString(dir.resolve("secret.txt"), "outside every home");
        try (RawClient c = new RawClient(server.http.port())) {
            c.sendRaw("GET /api/v1/files/alice/../../secret.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(c.readLine()).startsWith("HTTP/1.1 400 ");
        }
    }

    @Test
    void aSymbolicLinkOutOfTheHomeIsRefused() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "outside every home");
        Files.createDirectories(home("alice"));
        Files.createSymbolicLink(home("alice").resolve("escape"), dir);
        Files.createSymbolicLink(home("alice").resolve("secret-link"), dir.resolve("secret.txt"));
        assertThat(server.get("/api/v1/files/alice/escape/secret.txt").statusCode()).isEqualTo(403);
        assertThat(server.get("/api/v1/files/alice/secret-link").statusCode()).isEqualTo(403);
        assertThat(server.put("/api/v1/files/alice/escape/planted.txt", new byte[]{'x'}).statusCode()).isEqualTo(403);
        assertThat(server.delete("/api/v1/files/alice/secret-link").statusCode()).isEqualTo(403);
        assertThat(dir.resolve("planted.txt")).doesNotExist();
        assertThat(dir.resolve("secret.txt")).exists();
        JsonNode listing = HttpTestServer.json(server.get("/api/v1/files/alice/"), 200);
        assertThat(listing.get("entries")).isEmpty();   // links that lead out are not listed
    }

    @Test
    void aReadOnlyUserCanReadButNotWrite() throws Exception {
        Files.createDirectories(home("bob"));
        Files.writeString(home("bob").resolve("given.txt"), "for bob");
        assertThat(server.get("/api/v1/files/bob/given.txt").body()).isEqualTo("for bob");
        assertThat(HttpTestServer.json(server.put("/api/v1/files/bob/mine.txt", new byte[]{'x'}), 403).get("detail").asText())
                .contains("read-only");
        assertThat(server.delete("/api/v1/files/bob/given.txt").statusCode()).isEqualTo(403);
        assertThat(home("bob").resolve("given.txt")).exists();
    }

    @Test
    void anUnknownUserAndTheHomeItselfAreRefused() throws Exception {
        assertThat(server.get("/api/v1/files/nobody/x").statusCode()).isEqualTo(404);
        assertThat(server.put("/api/v1/files/alice", new byte[]{'x'}).statusCode()).isEqualTo(400);
        assertThat(server.delete("/api/v1/files/alice/").statusCode()).isEqualTo(403);
        server.upload("file.txt", new byte[]{'x'});
        assertThat(server.get("/api/v1/files/alice/file.txt/").statusCode()).isEqualTo(409);
        assertThat(server.put("/api/v1/files/alice/.portico-upload-x", new byte[]{'x'}).statusCode()).isEqualTo(400);
    }

    @Test
    void aBodyOverTheLimitIs413AndLeavesTheOldFileAndNoTemporary() throws Exception {
        server.upload("kept.txt", "old".getBytes(StandardCharsets.UTF_8));
        byte[] big = new byte[16 * 1024 + 1];
        Arrays.fill(big, (byte) 'x');
        // declared length: refused before a byte is read
        HttpResponse<String> declared = server.put("/api/v1/files/alice/kept.txt", big);
        assertThat(HttpTestServer.json(declared, 413).get("detail").asText()).contains("16385 bytes");
        // chunked, no length: cut off once past the limit
        HttpResponse<String> chunked = server.send(server.request("/api/v1/files/alice/kept.txt")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(server.download("kept.txt")).isEqualTo("old".getBytes(StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.list(home("alice"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("kept.txt");
        }
        // exactly at the limit is taken
        byte[] limit = Arrays.copyOf(big, 16 * 1024);
        assertThat(server.put("/api/v1/files/alice/kept.txt", limit).statusCode()).isEqualTo(200);
        try (InputStream in = Files.newInputStream(home("alice").resolve("kept.txt"))) {
            assertThat(in.readAllBytes()).hasSize(16 * 1024);
        }
    }

    @Test
    void aHugeDeclaredBodyIsRefusedWithoutReadingIt() throws Exception {
        try (RawClient c = new RawClient(server.http.port())) {
            c.sendRaw("PUT /api/v1/files/alice/huge.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10737418240\r\n\r\n");
            assertThat(c.readLine()).startsWith("HTTP/1.1 413 ");
        }
        assertThat(home("alice").resolve("huge.bin")).doesNotExist();
    }
}
