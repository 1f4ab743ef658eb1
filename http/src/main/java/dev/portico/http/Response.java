package dev.portico.http;

import java.io.InputStream;
import java.util.Map;

/** What a handler answers; {@link HttpApi} writes it. */
sealed interface Response {

    /** A JSON body. */
    record Json(int status, Object body, Map<String, String> headers) implements Response {
        Json(int status, Object body) {
            this(status, body, Map.of());
        }
    }

    /**
     * Bytes from a stream, closed once written.
     *
     * @param length the exact length, or -1 to send it chunked
     */
    record Bytes(int status, String contentType, long length, InputStream body, Map<String, String> headers)
            implements Response {}

    /** No body (204, or a status whose meaning is enough). */
    record Empty(int status) implements Response {}

    static Response ok(Object body) {
        return new Json(200, body);
    }

    static Response noContent() {
        return new Empty(204);
    }
}
