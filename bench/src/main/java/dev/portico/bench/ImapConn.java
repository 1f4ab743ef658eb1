package dev.portico.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A minimal IMAP4 client over a raw socket (RFC 9051 / 3501 syntax, no TLS): tagged commands, untagged
 * responses read whole with their literals ({@code {n}} and {@code {n+}}) skipped and counted, synchronizing
 * literals for APPEND. Written by hand rather than with Jakarta Mail's IMAP store because the store parses every
 * FETCH response into objects and caches them per message: at 100,000 envelopes that work, in the generator,
 * would be measured beside the server's on the same two cores. Here a response costs one scan of its bytes.
 * Commands may be pipelined: {@link #send} writes without flushing and {@link #await} flushes, then reads up to
 * the tagged reply of the tag given (servers answer in order).
 */
final class ImapConn implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private final byte[] wbuf = new byte[64 * 1024];
    private int wpos;
    private byte[] line = new byte[1024];
    private int tagNo;
    /** Literal octets read since the last {@link #takeLiteralBytes}. */
    private long literalBytes;
    /** The capability list of the greeting or the last CAPABILITY response code seen, upper case. */
    private String capabilities = "";

    private ImapConn(String host, int port, int timeoutMs) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), timeoutMs);
        socket.setSoTimeout(timeoutMs);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects and reads the {@code * OK} greeting. */
    static ImapConn open(String host, int port, int timeoutMs) throws IOException {
        ImapConn c = new ImapConn(host, port, timeoutMs);
        try {
            String greeting = c.response();
            if (!greeting.startsWith("* OK")) {
                throw new IOException("greeting: " + greeting);
            }
            c.noteCapabilities(greeting);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Connects and logs in (LOGIN, or AUTHENTICATE PLAIN with SASL-IR when the server says LOGINDISABLED). */
    static ImapConn login(String host, int port, String user, String password, int timeoutMs) throws IOException {
        ImapConn c = open(host, port, timeoutMs);
        try {
            if (c.capabilities.contains(" LOGINDISABLED")) {
                String plain = java.util.Base64.getEncoder().encodeToString(
                        ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
                c.command("AUTHENTICATE PLAIN " + plain);
            } else {
                c.command("LOGIN " + quote(user) + " " + quote(password));
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** SELECT: returns the EXISTS count. */
    int select(String mailbox) throws IOException {
        int[] exists = {-1};
        command("SELECT " + quote(mailbox), r -> {
            if (r.startsWith("* ") && r.endsWith(" EXISTS")) {
                exists[0] = Integer.parseInt(r.substring(2, r.length() - 7));
            }
        });
        return exists[0];
    }

    /** Sends one command and reads up to its tagged OK; untagged responses are dropped. */
    String command(String cmd) throws IOException {
        return command(cmd, r -> { });
    }

    /** Sends one command and reads up to its tagged OK, giving each untagged response to {@code untagged}. */
    String command(String cmd, Consumer<String> untagged) throws IOException {
        return await(send(cmd), untagged);
    }

    /** Queues a command (not flushed) and returns its tag. */
    String send(String cmd) throws IOException {
        String tag = "b" + (++tagNo);
        write(tag + " " + cmd + "\r\n");
        return tag;
    }

    /** Flushes, then reads responses up to the tagged reply of {@code tag}; throws unless it is OK. */
    String await(String tag, Consumer<String> untagged) throws IOException {
        flush();
        while (true) {
            String r = response();
            if (r.startsWith(tag + " ")) {
                if (!r.startsWith("OK", tag.length() + 1)) {
                    throw new IOException(r);
                }
                return r;
            }
            if (r.startsWith("* ")) {
                noteCapabilities(r);
                untagged.accept(r);
            } else if (!r.startsWith("+")) {
                throw new IOException("unexpected response: " + r);
            }
        }
    }

    /** APPEND with a synchronizing literal (the client waits for "+", as RFC 9051 clients must by default). */
    void append(String mailbox, String flags, byte[] message) throws IOException {
        String tag = send("APPEND " + quote(mailbox) + (flags.isEmpty() ? "" : " (" + flags + ")")
                + " {" + message.length + "}");
        continuation();
        writeBytes(message);
        write("\r\n");
        await(tag, r -> { });
    }

    /** Starts IDLE and waits for the server's continuation; {@link #done} ends it. */
    String idle() throws IOException {
        String tag = send("IDLE");
        continuation();
        return tag;
    }

    /** Ends IDLE begun with tag {@code tag} and reads its tagged OK. */
    void done(String tag) throws IOException {
        write("DONE\r\n");
        await(tag, r -> { });
    }

    /** Literal octets read since the last call (message bodies of FETCH BODY[], quoted-out envelope parts...). */
    long takeLiteralBytes() {
        long n = literalBytes;
        literalBytes = 0;
        return n;
    }

    private void continuation() throws IOException {
        flush();
        while (true) {
            String r = response();
            if (r.startsWith("+")) {
                return;
            }
            if (!r.startsWith("* ")) {
                throw new IOException("expected continuation, got: " + r);
            }
        }
    }

    private void noteCapabilities(String r) {
        int i = r.indexOf("CAPABILITY ");
        if (i >= 0) {
            capabilities = " " + r.substring(i).toUpperCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One whole response: its lines joined, each literal's octets skipped (counted in literalBytes) and its
     * {@code {n}} marker kept, so a FETCH with bodies costs a scan, not a copy.
     */
    String response() throws IOException {
        StringBuilder sb = null;
        while (true) {
            int n = readLine();
            int lit = literalLength(n);
            if (lit < 0 && sb == null) {
                return new String(line, 0, n, StandardCharsets.ISO_8859_1);
            }
            if (sb == null) {
                sb = new StringBuilder(n + 64);
            }
            sb.append(new String(line, 0, n, StandardCharsets.ISO_8859_1));
            if (lit < 0) {
                return sb.toString();
            }
            skip(lit);
            literalBytes += lit;
        }
    }

    /** The n of a line ending in {n} or {n+} (RFC 7888), or -1. */
    private int literalLength(int n) {
        if (n < 3 || line[n - 1] != '}') {
            return -1;
        }
        int end = n - 1;
        if (line[end - 1] == '+') {
            end--;
        }
        int i = end - 1;
        long v = 0;
        long mul = 1;
        while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
            v += (line[i] - '0') * mul;
            mul *= 10;
            i--;
        }
        if (i < 0 || line[i] != '{' || i == end - 1) {
            return -1;
        }
        if (v > Integer.MAX_VALUE) {
            throw new IllegalStateException("literal too large: " + v);
        }
        return (int) v;
    }

    /** Reads one line into {@code line} without its CR LF; returns its length. */
    private int readLine() throws IOException {
        int n = 0;
        while (true) {
            if (pos == lim) {
                fill();
            }
            int start = pos;
            while (pos < lim && buf[pos] != '\n') {
                pos++;
            }
            int len = pos - start;
            if (n + len > line.length) {
                line = java.util.Arrays.copyOf(line, Math.max(2 * line.length, n + len));
            }
            System.arraycopy(buf, start, line, n, len);
            n += len;
            if (pos < lim) {
                pos++; // the LF
                return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
            }
        }
    }

    private void skip(int count) throws IOException {
        while (count > 0) {
            if (pos == lim) {
                fill();
            }
            int k = Math.min(count, lim - pos);
            pos += k;
            count -= k;
        }
    }

    private void fill() throws IOException {
        int r = in.read(buf, 0, buf.length);
        if (r < 0) {
            throw new EOFException("connection closed by server");
        }
        pos = 0;
        lim = r;
    }

    private void write(String s) throws IOException {
        writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private void writeBytes(byte[] b) throws IOException {
        if (wpos + b.length > wbuf.length) {
            flush();
            if (b.length > wbuf.length) {
                out.write(b);
                return;
            }
        }
        System.arraycopy(b, 0, wbuf, wpos, b.length);
        wpos += b.length;
    }

    private void flush() throws IOException {
        if (wpos > 0) {
            out.write(wbuf, 0, wpos);
            wpos = 0;
        }
        out.flush();
    }

    /** Whether the session still answers: ends IDLE if {@code idleTag} is set, NOOP, IDLE again. */
    boolean alive(String[] idleTag) {
        try {
            if (idleTag[0] != null) {
                done(idleTag[0]);
            }
            command("NOOP");
            idleTag[0] = idle();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    void logout() throws IOException {
        try {
            command("LOGOUT");
        } catch (EOFException e) {
            // some servers close right after the tagged OK; either way the session is over
        }
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }
}
