package dev.portico.http;

import dev.portico.core.Settings;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as a handler sees it: the method, the path's segments decoded (the route's
 * {@code {name}} variables and the segments after a {@code **}), the query, and the body behind
 * the size limits.
 */
final class Request {

    final HttpExchange exchange;
    final String method;
    final Map<String, String> vars;
    /** Decoded segments matched by a trailing {@code **}; empty for other routes. */
    final List<String> rest;
    /** Whether the path ended with {@code /} (a directory, for the files API). */
    final boolean trailingSlash;
    final Map<String, String> query;
    private final HttpConfig config;

    Request(HttpExchange exchange, String method, Map<String, String> vars, List<String> rest, boolean trailingSlash,
            Map<String, String> query, HttpConfig config) {
        this.exchange = exchange;
        this.method = method;
        this.vars = vars;
        this.rest = rest;
        this.trailingSlash = trailingSlash;
        this.query = query;
        this.config = config;
    }

    String var(String name) {
        String v = vars.get(name);
        if (v == null) throw new IllegalStateException("the route has no variable " + name);
        return v;
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** A whole-number query parameter within [min, max], or {@code def} when absent. */
    int intParam(String name, int def, int min, int max) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) return def;
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest(name + " is not a whole number: " + v);
        }
        if (n < min || n > max) throw HttpProblem.badRequest(name + " must be from " + min + " to " + max);
        return n;
    }

    /** A duration query parameter ({@code 500ms}, {@code 5s}, {@code 2m}; a bare number is seconds), at most {@code max}. */
    Duration durationParam(String name, Duration def, Duration max) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) return def;
        Duration d;
        try {
            d = Settings.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(name + " is not a duration (500ms, 5s, 2m): " + v);
        }
        if (d.compareTo(max) > 0) {
            throw HttpProblem.badRequest(name + " is at most " + max.toSeconds() + "s here (http.max-wait)");
        }
        return d;
    }

    /** The declared body length, or -1 when the body is chunked or absent. */
    long declaredLength() {
        String v = header("Content-Length");
        if (v == null) return -1;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("Content-Length is not a number");
        }
    }

    /**
     * The body, refused with 413 before a byte is read when its declared length is over
     * {@code max}, and cut off with 413 when a chunked one grows past it.
     */
    InputStream body(long max) {
        long declared = declaredLength();
        if (declared > max) throw HttpProblem.tooLarge("the body has " + declared + " bytes; at most " + max + " are taken");
        return new BoundedInputStream(exchange.getRequestBody(), max);
    }

    /** The largest body this listener takes (a file). */
    long maxBody() {
        return config.maxBody();
    }

    /**
     * A JSON body read into a record. The type must be {@code application/json}: a browser
     * cannot send that to another origin without asking first (CORS preflight), which this API
     * never grants, so a web page cannot make a user's browser add users here.
     */
    <T> T json(Class<T> type) throws IOException {
        return Json.read(smallBody("application/json"), type);
    }

    /** An HTML form's fields ({@code application/x-www-form-urlencoded}); the last of repeated names wins. */
    Map<String, String> form() throws IOException {
        return HttpApi.query(new String(smallBody("application/x-www-form-urlencoded"), StandardCharsets.UTF_8));
    }

    /** A body of {@code type} that is no file: a user, a form. */
    private byte[] smallBody(String type) throws IOException {
        String ct = header("Content-Type");
        String base = ct == null ? "" : ct.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!base.equals(type)) {
            throw new HttpProblem(415, "Unsupported Media Type", "send the body as " + type);
        }
        try (InputStream in = body(Math.min(HttpConfig.MAX_JSON_BODY, config.maxBody()))) {
            return in.readAllBytes();
        }
    }

    /** Reads up to a limit, then fails with 413 instead of reading on. */
    static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private final long max;
        private long read;

        BoundedInputStream(InputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            // one byte more than allowed tells a body at the limit from one over it
            int n = in.read(b, off, (int) Math.min(len, max - read + 1));
            if (n > 0) {
                read += n;
                if (read > max) throw HttpProblem.tooLarge("the body is longer than the " + max + " bytes taken");
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
