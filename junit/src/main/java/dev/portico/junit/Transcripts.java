package dev.portico.junit;

import dev.portico.core.LineConnection;
import dev.portico.core.WireTap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The wire transcript of every session of one test Portico: what each client sent ({@code C:})
 * and what the server answered ({@code S:}), line by line, as the session saw it (after TLS).
 * Bounded: a session keeps its first {@link #MAX_PER_SESSION} characters and counts the rest,
 * and only the last {@link #MAX_SESSIONS} sessions are kept.
 */
final class Transcripts implements WireTap {

    static final int MAX_PER_SESSION = 64 * 1024;
    static final int MAX_SESSIONS = 500;

    private final AtomicLong sequence = new AtomicLong();
    private final Deque<Session> sessions = new ArrayDeque<>();
    private final Instant origin = Instant.now();

    @Override
    public Recorder opened(LineConnection c) {
        Session s = new Session(sequence.incrementAndGet(), c.protocol() + "-" + c.id(),
                c.remote().getAddress().getHostAddress() + ":" + c.remote().getPort(), Instant.now());
        synchronized (sessions) {
            sessions.addLast(s);
            if (sessions.size() > MAX_SESSIONS) sessions.removeFirst();
        }
        return s;
    }

    /** A mark: sessions opened after it belong to what comes next (a test). */
    long mark() {
        return sequence.get();
    }

    /** Every kept session opened after {@code mark}, oldest first; empty text when there is none. */
    String since(long mark) {
        List<Session> chosen = new ArrayList<>();
        synchronized (sessions) {
            for (Session s : sessions) {
                if (s.number > mark) chosen.add(s);
            }
        }
        StringBuilder b = new StringBuilder();
        for (Session s : chosen) s.render(b, origin);
        return b.toString();
    }

    void clear() {
        synchronized (sessions) {
            sessions.clear();
        }
    }

    /** One session's lines; both directions write here, each from its own thread. */
    private static final class Session implements Recorder {
        final long number;
        final String name;
        final String peer;
        final Instant opened;
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
        private final ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
        private long dropped;
        private Instant closed;

        Session(long number, String name, String peer, Instant opened) {
            this.number = number;
            this.name = name;
            this.peer = peer;
            this.opened = opened;
        }

        @Override
        public synchronized void received(byte[] data, int offset, int length) {
            add(fromClient, "C: ", data, offset, length);
        }

        @Override
        public synchronized void sent(byte[] data, int offset, int length) {
            add(fromServer, "S: ", data, offset, length);
        }

        @Override
        public synchronized void closed() {
            flush(fromClient, "C: ");
            flush(fromServer, "S: ");
            closed = Instant.now();
        }

        private void add(ByteArrayOutputStream partial, String prefix, byte[] data, int offset, int length) {
            if (text.length() >= MAX_PER_SESSION) {
                dropped += length;
                return;
            }
            for (int i = offset; i < offset + length; i++) {
                byte b = data[i];
                if (b == '\n') {
                    flush(partial, prefix);
                } else {
                    partial.write(b);
                    if (partial.size() > 4096) flush(partial, prefix);   // a line without end, or a binary run
                }
            }
        }

        private void flush(ByteArrayOutputStream partial, String prefix) {
            if (partial.size() == 0) return;
            byte[] line = partial.toByteArray();
            partial.reset();
            int n = line.length;
            if (n > 0 && line[n - 1] == '\r') n--;
            text.append(prefix).append(printable(new String(line, 0, n, StandardCharsets.UTF_8))).append('\n');
        }

        /** Control characters (Telnet commands, stray CRs) shown as {@code \xNN}, so the transcript stays one line per line. */
        private static String printable(String s) {
            StringBuilder b = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\t' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0))) b.append(c);
                else if (c == '\uFFFD') b.append("\\?");
                else b.append(String.format("\\x%02X", (int) c & 0xff));
            }
            return b.toString();
        }

        synchronized void render(StringBuilder out, Instant origin) {
            out.append("--- ").append(name).append(" from ").append(peer).append(", opened at +")
                    .append(Duration.between(origin, opened).toMillis()).append(" ms");
            out.append(closed == null ? ", still open" : ", closed after " + Duration.between(opened, closed).toMillis() + " ms");
            out.append(" ---\n");
            out.append(text);
            String pendingClient = pending(fromClient), pendingServer = pending(fromServer);
            if (!pendingClient.isEmpty()) out.append("C: ").append(pendingClient).append("  (no line end yet)\n");
            if (!pendingServer.isEmpty()) out.append("S: ").append(pendingServer).append("  (no line end yet)\n");
            if (dropped > 0) out.append("... ").append(dropped).append(" more bytes not recorded\n");
        }

        private static String pending(ByteArrayOutputStream partial) {
            return partial.size() == 0 ? "" : printable(partial.toString(StandardCharsets.UTF_8));
        }
    }
}
