package dev.portico.http;

import com.sun.net.httpserver.HttpExchange;
import dev.portico.core.LogSafe;
import dev.portico.core.StorageFullException;
import dev.portico.core.mail.MailboxInUseException;
import jakarta.mail.MessagingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Every request of the HTTP listener passes here: admission (ban list, {@code Host}, token, the
 * number of requests at once), then the route table, the only place that says which method and
 * path reach which handler, then the answer, and every failure as a problem object with its status.
 */
final class HttpApi {

    /** A handler of one route. */
    @FunctionalInterface
    interface Handler {
        Response handle(Request request) throws IOException, MessagingException;
    }

    /**
     * One row of the table: a method and a path pattern whose segments are literals,
     * {@code {name}} variables, or a last {@code **} that takes the remaining segments (none too).
     */
    record Route(String method, List<String> pattern, Handler handler) {
        static Route of(String method, String pattern, Handler handler) {
            return new Route(method, List.of(pattern.substring(1).split("/")), handler);
        }
    }

    /** Problem objects (RFC 9457) with the fields every client library reads. */
    record Problem(String type, String title, int status, String detail) {}

    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    static final String API = "/api/";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final HttpConfig config;
    private final HttpServer.Shared shared;
    private final List<Route> routes;
    private final Semaphore permits;
    private final AtomicInteger running = new AtomicInteger();
    /** Counted down when the server stops: waiting requests wake up and end. */
    final CountDownLatch stopping = new CountDownLatch(1);
    private final byte[] token;
    private final StatusPage status;
    private volatile boolean loopbackOnly;

    HttpApi(HttpConfig config, HttpServer.Shared shared) {
        this.config = config;
        this.shared = shared;
        this.permits = new Semaphore(config.maxRequests());
        this.token = config.token() == null ? null : config.token().getBytes(StandardCharsets.UTF_8);
        HealthApi health = new HealthApi(shared);
        MailApi mail = new MailApi(config, shared, stopping);
        UsersApi users = new UsersApi(shared);
        FilesApi files = new FilesApi(shared);
        SessionsApi sessions = new SessionsApi(shared);
        this.status = new StatusPage(shared);
        this.routes = List.of(
                Route.of("GET", "/health", health::health),
                Route.of("GET", "/ready", health::ready),
                Route.of("GET", "/api/v1/messages", mail::listAll),
                Route.of("DELETE", "/api/v1/messages", mail::purgeAll),
                Route.of("GET", "/api/v1/mailboxes", mail::mailboxes),
                Route.of("GET", "/api/v1/mailboxes/{mailbox}/messages", mail::list),
                Route.of("DELETE", "/api/v1/mailboxes/{mailbox}/messages", mail::purge),
                Route.of("GET", "/api/v1/mailboxes/{mailbox}/messages/{id}", mail::read),
                Route.of("DELETE", "/api/v1/mailboxes/{mailbox}/messages/{id}", mail::delete),
                Route.of("GET", "/api/v1/mailboxes/{mailbox}/messages/{id}/raw", mail::raw),
                Route.of("GET", "/api/v1/mailboxes/{mailbox}/messages/{id}/parts/{part}", mail::part),
                Route.of("GET", "/api/v1/mailboxes/{mailbox}/messages/{id}/attachments/{name}", mail::attachment),
                Route.of("GET", "/api/v1/users", users::list),
                Route.of("POST", "/api/v1/users", users::add),
                Route.of("GET", "/api/v1/users/{name}", users::get),
                Route.of("DELETE", "/api/v1/users/{name}", users::remove),
                Route.of("GET", "/api/v1/files/{user}/**", files::get),
                Route.of("PUT", "/api/v1/files/{user}/**", files::put),
                Route.of("DELETE", "/api/v1/files/{user}/**", files::delete),
                Route.of("GET", "/api/v1/sessions", sessions::list),
                Route.of("DELETE", "/api/v1/sessions", sessions::closeAll),
                Route.of("DELETE", "/api/v1/sessions/{id}", sessions::close),
                Route.of("GET", "/status", status::page),
                Route.of("POST", "/status/login", status::login),
                Route.of("POST", "/status/logout", status::logout),
                Route.of("POST", "/status/sessions/{id}/close", status::close),
                Route.of("POST", "/status/bans/{address}/unban", status::unban));
    }

    /** The route table, in the order it is matched. */
    List<Route> routes() {
        return routes;
    }

    /** Samples the status page's chart until the listener stops (on a thread of its own). */
    void sampleForStatus() {
        status.sampleUntil(stopping);
    }

    int running() {
        return running.get();
    }

    /** Set once bound: on a loopback address only {@code localhost} and IP literals may be named in {@code Host}. */
    void loopbackOnly(boolean on) {
        loopbackOnly = on;
    }

    void handle(HttpExchange ex) {
        running.incrementAndGet();
        try (ex) {
            Response r;
            try {
                r = admitAndRoute(ex);
            } catch (HttpProblem p) {
                r = problem(p);
            } catch (IOException | MessagingException | RuntimeException e) {
                r = failure(ex, e);
            }
            write(ex, r);
        } catch (IOException e) {
            // the client went away while we answered: nothing to tell it
            log.debug("http: {} {}: answer not delivered: {}", ex.getRequestMethod(), LogSafe.text(ex.getRequestURI()), e.toString());
        } finally {
            running.decrementAndGet();
        }
    }

    private Response admitAndRoute(HttpExchange ex) throws IOException, MessagingException {
        InetAddress from = ex.getRemoteAddress().getAddress();
        if (!shared.listening().filter().admits(from)) {
            throw HttpProblem.forbidden("this address is banned for now (too many failed logins)");
        }
        if (stopping.getCount() == 0) {
            throw new HttpProblem(503, "Service Unavailable", "Portico is stopping");
        }
        checkHost(ex.getRequestHeaders().getFirst("Host"));
        String rawPath = ex.getRequestURI().getRawPath();
        if (rawPath == null || !rawPath.startsWith("/")) throw HttpProblem.badRequest("the request target is not a path");
        if (rawPath.startsWith(API) || rawPath.equals("/api")) checkToken(ex.getRequestHeaders().getFirst("Authorization"));
        if (!permits.tryAcquire()) {
            throw new HttpProblem(503, "Service Unavailable", config.maxRequests() + " requests are running already (http.max-requests)",
                    Map.of("Retry-After", "1"));
        }
        try {
            return route(ex, rawPath);
        } finally {
            permits.release();
        }
    }

    /**
     * DNS rebinding: a web page on {@code evil.example} that re-points its name to 127.0.0.1 makes
     * the browser send {@code Host: evil.example} here. Those names are refused on a loopback
     * listener; {@code localhost} and IP literals (which no rebinding can produce) are answered.
     */
    private void checkHost(String host) {
        if (!loopbackOnly || host == null) return;
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            if (h.indexOf(']') > 0) return;   // an IPv6 literal
        } else {
            int colon = h.lastIndexOf(':');
            String name = colon >= 0 ? h.substring(0, colon) : h;
            if (name.equals("localhost") || name.endsWith(".localhost") || IPV4.matcher(name).matches()) return;
        }
        throw HttpProblem.forbidden("this listener answers to localhost and IP addresses only, not to "
                + host.strip() + " (a guard against DNS rebinding); set http.bind to serve other names");
    }

    private void checkToken(String authorization) {
        if (token == null) return;
        String prefix = "Bearer ";
        boolean ok = authorization != null && authorization.regionMatches(true, 0, prefix, 0, prefix.length())
                && MessageDigest.isEqual(token, authorization.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            throw new HttpProblem(401, "Unauthorized", "this API needs Authorization: Bearer <http.token>",
                    Map.of("WWW-Authenticate", "Bearer realm=\"portico\""));
        }
    }

    private Response route(HttpExchange ex, String rawPath) throws IOException, MessagingException {
        boolean trailingSlash = rawPath.length() > 1 && rawPath.endsWith("/");
        String trimmed = trailingSlash ? rawPath.substring(1, rawPath.length() - 1) : rawPath.substring(1);
        List<String> segments = new ArrayList<>();
        for (String raw : trimmed.split("/", -1)) {
            if (raw.isEmpty() && !trimmed.isEmpty()) {
                throw HttpProblem.badRequest("the path has an empty segment (//): paths are relative to the home, never absolute");
            }
            segments.add(decode(raw));
        }
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> vars = new HashMap<>();
            List<String> rest = new ArrayList<>();
            if (!matches(route.pattern(), segments, vars, rest)) continue;
            if (!route.method().equals(method)) {
                allowed.add(route.method());
                continue;
            }
            Request request = new Request(ex, method, vars, rest, trailingSlash, query(ex.getRequestURI().getRawQuery()), config);
            return route.handler().handle(request);
        }
        if (!allowed.isEmpty()) {
            throw new HttpProblem(405, "Method Not Allowed", method + " is not served here; use " + String.join(", ", allowed),
                    Map.of("Allow", String.join(", ", allowed)));
        }
        throw HttpProblem.notFound("no such endpoint; see docs/http-api.yaml");
    }

    private static boolean matches(List<String> pattern, List<String> path, Map<String, String> vars, List<String> rest) {
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (p.equals("**")) {
                rest.addAll(path.subList(Math.min(i, path.size()), path.size()));
                return path.size() >= i;
            }
            if (i >= path.size()) return false;
            if (p.startsWith("{")) {
                vars.put(p.substring(1, p.length() - 1), path.get(i));
            } else if (!p.equals(path.get(i))) {
                return false;
            }
        }
        return pattern.size() == path.size();
    }

    /** Percent-decoding of one path segment as UTF-8 ({@code +} stays a plus, as in paths it is). */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0) return raw;
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) throw HttpProblem.badRequest("a % in the path is not followed by two hex digits");
                int hi = Character.digit(raw.charAt(i + 1), 16), lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw HttpProblem.badRequest("a % in the path is not followed by two hex digits");
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The query as form fields; the last of repeated names wins. */
    static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return m;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq), v = eq < 0 ? "" : pair.substring(eq + 1);
            m.put(decode(k.replace('+', ' ')), decode(v.replace('+', ' ')));
        }
        return m;
    }

    private static Response problem(HttpProblem p) {
        Problem body = new Problem("about:blank", p.title, p.status, p.detail());
        Map<String, String> headers = new LinkedHashMap<>(p.headers);
        headers.put("Content-Type", "application/problem+json");
        return new Response.Json(p.status, body, headers);
    }

    /** The stores' and the parser's errors as the client's problem; anything else is a bug, logged with its trace. */
    private static Response failure(HttpExchange ex, Exception e) {
        String what = ex.getRequestMethod() + " " + LogSafe.text(ex.getRequestURI());
        HttpProblem p;
        if (e instanceof MailboxInUseException) {
            p = HttpProblem.conflict("the mailbox is held by a POP3 session; try again when it has ended");
        } else if (e instanceof StorageFullException) {
            p = new HttpProblem(507, "Insufficient Storage", "the disk or quota is full");
        } else if (e instanceof NoSuchFileException f) {
            p = HttpProblem.notFound("no such file or directory: " + f.getFile());
        } else if (e instanceof AccessDeniedException f) {
            p = HttpProblem.forbidden("not allowed: " + f.getFile() + (f.getReason() == null ? "" : " (" + f.getReason() + ")"));
        } else if (e instanceof FileAlreadyExistsException f) {
            p = HttpProblem.conflict("exists already: " + f.getFile());
        } else if (e instanceof DirectoryNotEmptyException f) {
            p = HttpProblem.conflict("the directory is not empty: " + f.getFile());
        } else if (e instanceof NotDirectoryException f) {
            p = HttpProblem.conflict("not a directory: " + f.getFile());
        } else if (e instanceof InvalidPathException f) {
            p = HttpProblem.badRequest("not a valid path: " + f.getInput());
        } else if (e instanceof MessagingException) {
            p = new HttpProblem(422, "Unprocessable Content", "the message cannot be parsed as MIME: " + e.getMessage()
                    + "; /raw serves it as stored");
        } else if (e instanceof FileSystemException f) {
            log.warn("http: {}: {}", what, f.toString());
            p = new HttpProblem(500, "Internal Server Error", "the store failed: " + f.getReason());
        } else if (e instanceof IOException) {
            log.warn("http: {}: {}", what, e.toString());
            p = new HttpProblem(500, "Internal Server Error", "the store failed");
        } else {
            log.error("http: {} failed", what, e);
            p = new HttpProblem(500, "Internal Server Error", "an internal error; the server log has the details");
        }
        return problem(p);
    }

    private static void write(HttpExchange ex, Response r) throws IOException {
        switch (r) {
            case Response.Json j -> {
                byte[] body = Json.write(j.body());
                ex.getResponseHeaders().set("Content-Type", "application/json");
                j.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
                ex.sendResponseHeaders(j.status(), body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            case Response.Bytes b -> {
                try (InputStream in = b.body()) {
                    ex.getResponseHeaders().set("Content-Type", b.contentType());
                    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
                    b.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
                    // the JDK's API: 0 means chunked, a positive number the exact length
                    ex.sendResponseHeaders(b.status(), b.length() < 0 ? 0 : b.length() == 0 ? -1 : b.length());
                    if (b.length() != 0) {
                        try (OutputStream out = ex.getResponseBody()) {
                            in.transferTo(out);
                        }
                    }
                }
            }
            case Response.Empty e -> ex.sendResponseHeaders(e.status(), -1);
        }
    }

    /**
     * Ends the listener's work: new requests get 503, waiting ones wake, and running ones get up
     * to {@code grace} to finish (polled, as LineServer does: a request has no hook to signal).
     */
    void stop(Duration grace) {
        stopping.countDown();
        long deadline = System.nanoTime() + grace.toNanos();
        while (running.get() > 0 && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
