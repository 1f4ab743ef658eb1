package dev.portico.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

/**
 * One POP3 response: a status line {@code +OK text} or {@code -ERR text}, and for multi-line
 * responses (RFC 1939 §3) a body that is dot-stuffed and ended with a {@code .} line.
 *
 * @param body  null for a single-line response
 * @param close whether the session ends once this response is sent
 */
record Pop3Reply(boolean ok, String text, Body body, boolean close) {

    /** The body of a multi-line response. */
    sealed interface Body permits Lines, Content {}

    /** Short generated lines: CAPA, LIST, UIDL. */
    record Lines(List<String> lines) implements Body {
        Lines {
            lines = List.copyOf(lines);
        }
    }

    /**
     * A message streamed from the store (RETR, TOP); the stream is closed once written.
     *
     * @param maxBodyLines body lines to send after the header (TOP), or -1 for the whole message
     * @param size         the message's size as listed (a hint for the buffer), or 0
     */
    record Content(InputStream in, long maxBodyLines, long size) implements Body {}

    Pop3Reply {
        Objects.requireNonNull(text);
    }

    static Pop3Reply ok(String text) {
        return new Pop3Reply(true, text, null, false);
    }

    static Pop3Reply err(String text) {
        return new Pop3Reply(false, text, null, false);
    }

    static Pop3Reply ok(String text, List<String> lines) {
        return new Pop3Reply(true, text, new Lines(lines), false);
    }

    static Pop3Reply content(String text, InputStream in, long maxBodyLines, long size) {
        return new Pop3Reply(true, text, new Content(in, maxBodyLines, size), false);
    }

    Pop3Reply thenClose() {
        return new Pop3Reply(ok, text, body, true);
    }

    /** The status line as sent, without CR LF: what tests compare against. */
    String line() {
        String status = ok ? "+OK" : "-ERR";
        return text.isEmpty() ? status : status + " " + text;
    }

    /**
     * Hands the response to the connection through the session's writer (no flush), in one piece
     * when it fits the writer's buffer; closes a streamed body's input.
     */
    void writeTo(DotStuffingWriter w) throws IOException {
        if (body instanceof Content content) {
            // If reading the message fails half way the session ends (IOException) with the
            // response cut short or not sent at all: no -ERR can follow a +OK already queued.
            try (InputStream in = content.in()) {
                w.status(line());
                w.copy(in, content.maxBodyLines(), content.size());
                w.finish();
            }
            return;
        }
        w.status(line());
        if (body instanceof Lines lines) {
            for (String l : lines.lines()) w.line(l);
            w.finish();
        } else {
            w.drain();
        }
    }

    @Override
    public String toString() {
        return line();
    }
}
