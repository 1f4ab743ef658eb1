package dev.portico.http;

import dev.portico.core.LogSafe;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.auth.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code /status}: one HTML page for administrators, behind its own login (an admin user's name
 * and password, checked by the {@link LoginGuard} like every protocol's logins, so failures are
 * slowed down and banned), whatever {@code http.token} says: a token opens the API, not this page.
 * Reading is a GET; everything that changes something (log out, close a session, lift a ban) is a
 * POST carrying the login's CSRF token, and answers with a redirect back to the page.
 */
final class StatusPage {

    private static final Logger log = LoggerFactory.getLogger(StatusPage.class);
    static final String PATH = "/status";

    private final HttpServer.Shared shared;
    private final StatusLogins logins = new StatusLogins();
    private final TrafficHistory history;

    StatusPage(HttpServer.Shared shared) {
        this.shared = shared;
        this.history = new TrafficHistory(shared.listening().sessions());
    }

    /** Samples sessions and traffic for the chart until the listener stops. */
    void sampleUntil(CountDownLatch stopping) {
        history.sampleUntil(stopping);
    }

    /** {@code GET /status}: the page, or the login form. */
    Response page(Request r) {
        Optional<StatusLogins.Login> l = current(r);
        if (l.isEmpty()) return html(200, StatusView.login(null), Map.of());
        return html(200, StatusView.page(l.get().user(), l.get().csrf(), shared, history.lastHour()), Map.of());
    }

    /** {@code POST /status/login}: a session cookie for an administrator, the form again for anyone else. */
    Response login(Request r) throws IOException {
        Map<String, String> form = r.form();
        String name = form.getOrDefault("user", "");
        String password = form.getOrDefault("password", "");
        if (name.isEmpty() || password.isEmpty()) return html(400, StatusView.login("Enter a user name and a password."), Map.of());
        char[] secret = password.toCharArray();
        Optional<User> user;
        try {
            user = shared.logins().login("http", remote(r), name, secret, User::isAdmin);
        } finally {
            Arrays.fill(secret, '\0');
        }
        if (user.isEmpty()) {
            return html(401, StatusView.login("Login failed: a wrong name or password, or not an administrator."), Map.of());
        }
        current(r).ifPresent(logins::close);
        StatusLogins.Login l = logins.open(user.get().name());
        return redirect(StatusLogins.setCookie(l));
    }

    /** {@code POST /status/logout}. */
    Response logout(Request r) throws IOException {
        StatusLogins.Login l = authorized(r);
        logins.close(l);
        return redirect(StatusLogins.clearCookie());
    }

    /** {@code POST /status/sessions/{id}/close}: the kick button. A session that ended meanwhile is no error. */
    Response close(Request r) throws IOException {
        StatusLogins.Login l = authorized(r);
        long id;
        try {
            id = Long.parseLong(r.var("id"));
        } catch (NumberFormatException e) {
            throw HttpProblem.notFound("no session " + LogSafe.text(r.var("id"), 32));
        }
        if (shared.listening().sessions().close(id)) log.info("http: {} closed session {} on the status page", l.user(), id);
        return redirect(null);
    }

    /** {@code POST /status/bans/{address}/unban}: only an address on the ban list is looked at, never a name resolved. */
    Response unban(Request r) throws IOException {
        StatusLogins.Login l = authorized(r);
        String address = r.var("address");
        for (LoginGuard.Ban b : shared.logins().bans()) {
            if (b.address().getHostAddress().equals(address) && shared.logins().unban(b.address())) {
                log.info("http: {} lifted the ban of {} on the status page", l.user(), address);
            }
        }
        return redirect(null);
    }

    /** The login of a POST: its cookie names a live login and its form carries that login's CSRF token, or 403. */
    private StatusLogins.Login authorized(Request r) throws IOException {
        Map<String, String> form = r.form();
        StatusLogins.Login l = current(r).orElseThrow(() -> HttpProblem.forbidden("log in at /status first"));
        if (!StatusLogins.csrfMatches(l, form.get("csrf"))) {
            throw HttpProblem.forbidden("the form's CSRF token is missing or not this login's; reload /status");
        }
        return l;
    }

    /** The request's login, while its user is still an administrator (a removed admin is logged out at once). */
    private Optional<StatusLogins.Login> current(Request r) {
        Optional<StatusLogins.Login> l = logins.find(r.header("Cookie"));
        if (l.isPresent() && !shared.users().find(l.get().user()).map(User::isAdmin).orElse(false)) {
            logins.close(l.get());
            return Optional.empty();
        }
        return l;
    }

    private static InetAddress remote(Request r) {
        return r.exchange.getRemoteAddress().getAddress();
    }

    /** The headers every answer of the page has: never cached, never framed, its own stylesheet only. */
    private static Map<String, String> headers(Map<String, String> more) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Cache-Control", "no-store");
        h.put("Content-Security-Policy", StatusView.CSP);
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.putAll(more);
        return h;
    }

    private static Response html(int status, String page, Map<String, String> more) {
        byte[] body = page.getBytes(StandardCharsets.UTF_8);
        return new Response.Bytes(status, "text/html; charset=utf-8", body.length, new ByteArrayInputStream(body), headers(more));
    }

    /** 303 to the page (Post/Redirect/Get: a reload does not repeat the action), optionally setting the cookie. */
    private static Response redirect(String setCookie) {
        Map<String, String> more = new LinkedHashMap<>();
        more.put("Location", PATH);
        if (setCookie != null) more.put("Set-Cookie", setCookie);
        return new Response.Bytes(303, "text/html; charset=utf-8", 0, InputStream.nullInputStream(), headers(more));
    }
}
