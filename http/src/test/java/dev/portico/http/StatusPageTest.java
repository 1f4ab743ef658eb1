package dev.portico.http;

import dev.portico.core.Events;
import dev.portico.core.SessionInfo;
import dev.portico.core.auth.LoginGuard;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The administrators' status page over the JDK's HttpClient: its login, its cookie, its CSRF tokens, its escaping. */
@Timeout(60)
class StatusPageTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @TempDir Path dir;

    @Test
    void aNonAdminAndAWrongPasswordAreRefusedAndCountAsFailedLogins() throws Exception {
        LoginGuard.Policy twoStrikes = new LoginGuard.Policy(Duration.ofMillis(5), Duration.ofMillis(20), 2,
                Duration.ofMinutes(1), Duration.ofMinutes(1));
        try (HttpTestServer server = HttpTestServer.start(dir, twoStrikes)) {
            HttpResponse<String> bob = login(server, "bob", TestServices.BOB_PASSWORD);
            assertThat(bob.statusCode()).as("bob's password is right, but bob is no admin").isEqualTo(401);
            assertThat(bob.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(bob.body()).contains("Login failed").contains("id=\"password\"");
            assertThat(server.services.logins().bans()).isEmpty();

            HttpResponse<String> wrong = login(server, "alice", "not-her-password");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
            // the second failure from this address within the window bans it, as on every protocol
            assertThat(server.services.logins().bans()).extracting(LoginGuard.Ban::address)
                    .containsExactly(InetAddress.getByName("127.0.0.1"));
            assertThat(server.get("/status").statusCode()).isEqualTo(403);
        }
    }

    @Test
    void anAdminGetsAStrictHttpOnlyCookieAndAnUncachedPage() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir)) {
            HttpResponse<String> form = server.get("/status");
            assertThat(form.statusCode()).isEqualTo(200);
            assertThat(form.body()).contains("action=\"/status/login\"").doesNotContain("logged in as");

            HttpResponse<String> in = login(server, "alice", TestServices.ALICE_PASSWORD);
            assertThat(in.statusCode()).isEqualTo(303);
            assertThat(in.headers().firstValue("Location")).hasValue("/status");
            String setCookie = in.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie).matches("portico-status=[A-Za-z0-9_-]{22}; Path=/status; Max-Age=\\d+; HttpOnly; SameSite=Strict");

            HttpResponse<String> page = server.send(server.request("/status").header("Cookie", cookie(in)).GET().build());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                    csp -> assertThat(csp).startsWith("default-src 'none'").doesNotContain("script"));
            assertThat(page.body()).contains("logged in as alice", "<svg id=\"sessions-chart\"", "<svg id=\"throughput-chart\"",
                    "id=\"listeners\"", ">ftp<");

            HttpResponse<String> out = post(server, "/status/logout", cookie(in), "csrf=" + csrf(page));
            assertThat(out.statusCode()).isEqualTo(303);
            assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
            assertThat(server.send(server.request("/status").header("Cookie", cookie(in)).GET().build()).body())
                    .as("the login ended with the logout").doesNotContain("logged in as");
        }
    }

    @Test
    void aPostWithoutTheLoginsCsrfTokenIsRefused() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir)) {
            server.ftp("bob", TestServices.BOB_PASSWORD);
            long id = ftpSession(server, "bob").id();
            String cookie = cookie(login(server, "alice", TestServices.ALICE_PASSWORD));
            String close = "/status/sessions/" + id + "/close";

            assertThat(post(server, close, cookie, "").statusCode()).isEqualTo(403);
            assertThat(post(server, close, cookie, "csrf=guessed").statusCode()).isEqualTo(403);
            String token = csrf(server.send(server.request("/status").header("Cookie", cookie).GET().build()));
            assertThat(post(server, close, null, "csrf=" + token).statusCode()).as("no cookie").isEqualTo(403);
            assertThat(post(server, "/status/logout", cookie, "").statusCode()).isEqualTo(403);
            assertThat(server.services.sessions().sessions()).extracting(SessionInfo::id).contains(id);

            assertThat(post(server, close, cookie, "csrf=" + token).statusCode()).isEqualTo(303);
            assertThat(server.services.sessions().sessions()).extracting(SessionInfo::id).doesNotContain(id);
        }
    }

    @Test
    void aTokenOpensTheApiButNotThePage() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir, "http.token", "s3cret")) {
            server.ftp("bob", TestServices.BOB_PASSWORD);
            long id = ftpSession(server, "bob").id();
            HttpResponse<String> page = server.send(server.request("/status").header("Authorization", "Bearer s3cret").GET().build());
            assertThat(page.body()).contains("action=\"/status/login\"").doesNotContain("logged in as").doesNotContain("bob");
            HttpResponse<String> close = server.send(server.request("/status/sessions/" + id + "/close")
                    .header("Authorization", "Bearer s3cret").header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("csrf=x")).build());
            assertThat(close.statusCode()).isEqualTo(403);
            assertThat(server.services.sessions().sessions()).extracting(SessionInfo::id).contains(id);
            // and the page's own login needs no token
            assertThat(login(server, "alice", TestServices.ALICE_PASSWORD).statusCode()).isEqualTo(303);
        }
    }

    @Test
    void whatClientsChoseIsEscaped() throws Exception {
        try (HttpTestServer server = HttpTestServer.start(dir)) {
            InetAddress client = InetAddress.getByName("192.0.2.9");
            server.activity.transfer(new Events.FileTransfer(Instant.now(), Duration.ofMillis(12), client,
                    "<script>alert('user')</script>", "/up/<img src=x onerror=alert(1)>\"'.txt", 42,
                    true, true, false, false, true));
            server.activity.mail(new Events.MailTransaction(Instant.now(), "Q1<b>", client, "<i>helo</i>", null,
                    "\"><script>alert(2)</script>@example.org", List.of("alice@localhost", "</td><td>x@y"), 7,
                    "250 2.0.0 Ok", Duration.ofMillis(3)));
            String page = server.send(server.request("/status")
                    .header("Cookie", cookie(login(server, "alice", TestServices.ALICE_PASSWORD))).GET().build()).body();
            assertThat(page).doesNotContain("<script", "<img", "<i>helo", "<b>", "</td><td>x@y");
            assertThat(page).contains("&lt;script&gt;alert(&#39;user&#39;)&lt;/script&gt;",
                    "/up/&lt;img src=x onerror=alert(1)&gt;&quot;&#39;.txt",
                    "&lt;i&gt;helo&lt;/i&gt;", "Q1&lt;b&gt;", "&lt;/td&gt;&lt;td&gt;x@y");
        }
    }

    @Test
    void aBanIsListedAndLiftedFromThePage() throws Exception {
        LoginGuard.Policy oneStrike = new LoginGuard.Policy(Duration.ofMillis(1), Duration.ofMillis(5), 1,
                Duration.ofMinutes(1), Duration.ofMinutes(5));
        try (HttpTestServer server = HttpTestServer.start(dir, oneStrike)) {
            InetAddress attacker = InetAddress.getByName("192.0.2.7");
            server.services.logins().login("ftp", attacker, "alice", "guess".toCharArray());
            assertThat(server.services.logins().isBanned(attacker)).isTrue();
            String cookie = cookie(login(server, "alice", TestServices.ALICE_PASSWORD));
            HttpResponse<String> page = server.send(server.request("/status").header("Cookie", cookie).GET().build());
            assertThat(page.body()).contains("192.0.2.7", "action=\"/status/bans/192.0.2.7/unban\"");

            assertThat(post(server, "/status/bans/192.0.2.7/unban", cookie, "").statusCode()).isEqualTo(403);
            assertThat(server.services.logins().isBanned(attacker)).isTrue();
            assertThat(post(server, "/status/bans/192.0.2.7/unban", cookie, "csrf=" + csrf(page)).statusCode()).isEqualTo(303);
            assertThat(server.services.logins().isBanned(attacker)).isFalse();
        }
    }

    private static HttpResponse<String> login(HttpTestServer server, String user, String password) throws Exception {
        return post(server, "/status/login", null, "user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(HttpTestServer server, String path, String cookie, String form) throws Exception {
        HttpRequest.Builder b = server.request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) b.header("Cookie", cookie);
        return server.send(b.build());
    }

    /** The {@code name=value} of the login's Set-Cookie, as a browser sends it back. */
    private static String cookie(HttpResponse<String> login) {
        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        return login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    private static String csrf(HttpResponse<String> page) {
        Matcher m = CSRF.matcher(page.body());
        assertThat(m.find()).as("a CSRF field in " + page.body()).isTrue();
        return m.group(1);
    }

    /** The FTP session of {@code user}: listed once its login was answered. */
    static SessionInfo ftpSession(HttpTestServer server, String user) {
        return server.services.sessions().sessions().stream()
                .filter(s -> s.protocol().equals("ftp") && user.equals(s.user())).findFirst().orElseThrow();
    }
}
