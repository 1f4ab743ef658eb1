package dev.portico.http;

import java.util.Map;

/**
 * The one way a handler refuses a request: thrown with an HTTP status and a sentence for the
 * client, answered as an RFC 9457 problem object ({@code application/problem+json}). Like the
 * protocols' {@code Refusal}: a handler never turns another runtime exception into a reply.
 */
final class HttpProblem extends RuntimeException {

    final int status;
    final String title;
    final Map<String, String> headers;

    HttpProblem(int status, String title, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.headers = headers;
    }

    HttpProblem(int status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    static HttpProblem badRequest(String detail) {
        return new HttpProblem(400, "Bad Request", detail);
    }

    static HttpProblem forbidden(String detail) {
        return new HttpProblem(403, "Forbidden", detail);
    }

    static HttpProblem notFound(String detail) {
        return new HttpProblem(404, "Not Found", detail);
    }

    static HttpProblem conflict(String detail) {
        return new HttpProblem(409, "Conflict", detail);
    }

    static HttpProblem tooLarge(String detail) {
        return new HttpProblem(413, "Content Too Large", detail);
    }

    String detail() {
        return getMessage();
    }
}
