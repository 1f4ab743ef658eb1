package dev.portico.telnet;

import dev.portico.testing.RawClient;
import org.apache.commons.net.telnet.EchoOptionHandler;
import org.apache.commons.net.telnet.InvalidTelnetOptionException;
import org.apache.commons.net.telnet.SuppressGAOptionHandler;
import org.apache.commons.net.telnet.TelnetClient;
import org.apache.commons.net.telnet.TerminalTypeOptionHandler;
import org.apache.commons.net.telnet.WindowSizeOptionHandler;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tests' Telnet client, on a real socket, in one of two kinds:
 * <ul>
 * <li>a raw peer ({@link #TelnetPeer(int, Policy)}, on a {@link RawClient}) for exact transcripts:
 *     it parses what the server sends, records every command ("DO NAWS", "SB TTYPE 1") in
 *     {@link #commands}, answers negotiation according to its {@link Policy} and keeps the data bytes;</li>
 * <li>Commons Net's {@link TelnetClient} ({@link #commonsNet}), a real client negotiating by itself
 *     as a terminal program would.</li>
 * </ul>
 * Both read the same way ({@link #readUntil}, {@link #run}, {@link #login}); every read is bounded
 * by a deadline.
 */
final class TelnetPeer implements Closeable {

    /** How a raw peer answers the server's negotiation. */
    enum Policy {
        /** Answers every WILL with DONT and every DO with WONT: the server must still give a working line mode. */
        REFUSE_ALL,
        /** Accepts what a terminal wants: server ECHO and SGA, our SGA, NAWS, TTYPE. */
        TERMINAL,
        /** Acknowledges every request, even ones already in effect (RFC 854 forbids this; a loop-prone peer). */
        NAIVE,
        /** Sends no answers at all. */
        SILENT
    }

    static final int IAC = 255, SB = 250, SE = 240, WILL = 251, WONT = 252, DO = 253, DONT = 254;
    /**
     * The longest wait for one answer: far above what an idle machine needs, so that a busy one
     * (another build on both cores) does not fail a test; only a failing test waits this long.
     */
    private static final int WAIT_MILLIS = 15_000;

    /** The raw socket, or null when Commons Net talks. */
    private final RawClient raw;
    private final TelnetClient commonsNet;
    private final InputStream in;
    private final OutputStream out;
    /** What ends a typed line: CR LF on the wire; Commons Net writes its own CR before LF. */
    private final String enter;
    private final Policy policy;
    /** Every command the server sent a raw peer, in order; always empty with Commons Net, which keeps them. */
    final List<String> commands = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    /**
     * The data decoded and normalized as it arrives, so a wait scans each byte once: decoding
     * the whole buffer on every read made waiting behind megabytes of output quadratic, and a
     * busy machine missed the deadline (issue 13).
     */
    private final StringBuilder text = new StringBuilder();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** Bytes of a UTF-8 sequence split between reads, kept for the next one. */
    private ByteBuffer undecoded = ByteBuffer.allocate(0);
    private boolean lastWasCr;
    /** Characters of {@link #text} that readUntil has returned. */
    private int consumed;
    private int width = 80, height = 24;
    private String terminalType = "XTERM";
    private int state;          // 0 data, 1 IAC, 2 verb, 3 SB, 4 SB IAC
    private int verb;
    private final ByteArrayOutputStream sb = new ByteArrayOutputStream();
    private boolean closed;

    /** A raw peer answering negotiation by {@code policy}. */
    TelnetPeer(int port, Policy policy) throws IOException {
        this.raw = new RawClient(port).timeout(200);
        this.commonsNet = null;
        this.in = raw.socket().getInputStream();
        this.out = raw.socket().getOutputStream();
        this.enter = "\r\n";
        this.policy = policy;
    }

    private TelnetPeer(TelnetClient client) {
        this.raw = null;
        this.commonsNet = client;
        this.in = client.getInputStream();
        this.out = client.getOutputStream();
        this.enter = "\n";
        this.policy = null;
    }

    /**
     * Commons Net's client: as a terminal ({@code terminal}: echo by the server, SGA both ways, a
     * terminal type and a window {@code width} wide, so the session runs in character mode), or
     * with no option handlers at all (a line-mode session).
     */
    static TelnetPeer commonsNet(int port, boolean terminal, int width) throws IOException {
        TelnetClient telnet = new TelnetClient();
        if (terminal) {
            try {
                telnet.addOptionHandler(new EchoOptionHandler(false, false, false, true));
                telnet.addOptionHandler(new SuppressGAOptionHandler(true, true, true, true));
                telnet.addOptionHandler(new TerminalTypeOptionHandler("VT100", false, false, true, false));
                telnet.addOptionHandler(new WindowSizeOptionHandler(width, 24, true, false, true, false));
            } catch (InvalidTelnetOptionException e) {
                throw new IOException(e);
            }
        }
        telnet.setReaderThread(false);
        telnet.setConnectTimeout(WAIT_MILLIS);
        telnet.setDefaultTimeout(WAIT_MILLIS);
        telnet.connect("127.0.0.1", port);
        // Commons Net without a reader thread reports a read timeout as end of stream, so the
        // timeout is the whole wait a test allows for one answer.
        telnet.setSoTimeout(WAIT_MILLIS);
        return new TelnetPeer(telnet);
    }

    /** Commons Net as an 80-column terminal. */
    static TelnetPeer commonsNet(int port) throws IOException {
        return commonsNet(port, true, 80);
    }

    /** The window size a raw TERMINAL peer reports when the server asks for NAWS. */
    TelnetPeer window(int w, int h) {
        width = w;
        height = h;
        return this;
    }

    /** The terminal type a raw TERMINAL peer reports. */
    TelnetPeer terminalType(String t) {
        terminalType = t;
        return this;
    }

    void send(String text) throws IOException {
        sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Types a line and Enter. */
    void line(String text) throws IOException {
        send(text + enter);
    }

    void sendBytes(int... bytes) throws IOException {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) b[i] = (byte) bytes[i];
        sendBytes(b);
    }

    void sendBytes(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    void naws(int w, int h) throws IOException {
        sendBytes(IAC, SB, 31, w >> 8, w & 0xff, h >> 8, h & 0xff, IAC, SE);
    }

    /** Answers the login prompts and waits for the first shell prompt. */
    TelnetPeer login(String user, String password) throws IOException {
        readUntil(TelnetReplies.LOGIN_PROMPT);
        line(user);
        readUntil(TelnetReplies.PASSWORD_PROMPT);
        line(password);
        readUntil(TelnetReplies.PROMPT_END);
        return this;
    }

    /** Runs one command and returns its output: the echoed command line and the next prompt removed. */
    String run(String command) throws IOException {
        line(command);
        String t = readUntil(TelnetReplies.PROMPT_END);
        t = t.substring(0, t.lastIndexOf('\n') + 1);
        return t.startsWith(command + "\n") ? t.substring(command.length() + 1) : t;
    }

    /** Reads until {@code marker} appears in the data after what earlier calls returned; returns that text. */
    String readUntil(String marker) throws IOException {
        return readUntil(marker, WAIT_MILLIS);
    }

    String readUntil(String marker, long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        int from = consumed;
        while (true) {
            int i = text.indexOf(marker, from);
            if (i >= 0) {
                String got = text.substring(consumed, i + marker.length());
                consumed = i + marker.length();
                forgetConsumed();
                return got;
            }
            // the next search starts where a marker could still begin (a last CR may yet become LF)
            from = Math.max(consumed, text.length() - marker.length());
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no '" + marker + "' within " + millis + " ms; got: "
                        + text.substring(Math.max(consumed, text.length() - 2000)));
            }
            if (!pump()) throw new AssertionError("closed before '" + marker + "'; got: " + rest());
        }
    }

    /** Drops text already returned once it is large, so a long stream does not pile up in memory. */
    private void forgetConsumed() {
        if (consumed > 1 << 20) {
            text.delete(0, consumed);
            consumed = 0;
        }
    }

    /** Reads whatever arrives for {@code millis}; false if the connection closed. Raw peers only. */
    boolean drain(long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (!pump()) return false;
        }
        return true;
    }

    /** Waits (bounded) for the server to close. Raw peers only. */
    void expectClosed() throws IOException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (!pump()) return;
            } catch (IOException e) {
                return;
            }
        }
        throw new AssertionError("not closed; got: " + rest());
    }

    /** Text received after what readUntil returned, with CR LF as \n and CR NUL as \r. */
    String rest() {
        return text.substring(consumed);
    }

    /** The data bytes as received (a raw peer has turned IAC IAC back into one 0xFF). */
    byte[] rawData() {
        synchronized (data) {
            return data.toByteArray();
        }
    }

    /**
     * Appends data bytes to {@link #text}: decoded as UTF-8 (a sequence split between reads waits
     * for its end), CR LF as \n, CR NUL as \r, other NULs dropped.
     */
    private void decode(byte[] b, int off, int n) {
        ByteBuffer in = ByteBuffer.allocate(undecoded.remaining() + n);
        in.put(undecoded).put(b, off, n).flip();
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, out, false);
        undecoded = in.slice();
        out.flip();
        while (out.hasRemaining()) {
            char c = out.get();
            if (c == '\n' && lastWasCr) {
                text.setCharAt(text.length() - 1, '\n');
            } else if (c != '\0') {
                text.append(c);
            }
            lastWasCr = c == '\r';
        }
    }

    /** One read; false at end of stream. */
    private boolean pump() throws IOException {
        byte[] buf = readBuffer;
        int n;
        try {
            n = in.read(buf);
        } catch (SocketTimeoutException e) {
            return true;
        }
        if (n < 0) return false;
        if (raw == null) {
            synchronized (data) {
                data.write(buf, 0, n);       // Commons Net has taken the commands out already
            }
            decode(buf, 0, n);
        } else {
            kept.reset();
            for (int i = 0; i < n; i++) byteIn(buf[i] & 0xff);
            decode(kept.toByteArray(), 0, kept.size());
        }
        return true;
    }

    private void byteIn(int b) throws IOException {
        switch (state) {
            case 0 -> { if (b == IAC) state = 1; else keep(b); }
            case 1 -> {
                if (b == IAC) { keep(b); state = 0; }
                else if (b >= WILL) { verb = b; state = 2; }
                else if (b == SB) { sb.reset(); state = 3; }
                else { commands.add(Telnet.commandName(b)); state = 0; }
            }
            case 2 -> { state = 0; negotiation(verb, b); }
            case 3 -> { if (b == IAC) state = 4; else sb.write(b); }
            default -> {
                if (b == SE) { state = 0; subnegotiation(sb.toByteArray()); }
                else { sb.write(b); state = 3; }
            }
        }
    }

    private final byte[] readBuffer = new byte[65536];
    /** The data bytes of the read being parsed, for {@link #decode}. */
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    private void keep(int b) {
        synchronized (data) {
            data.write(b);
        }
        kept.write(b);
    }

    private void negotiation(int verb, int option) throws IOException {
        commands.add(Telnet.commandName(verb) + " " + Telnet.optionName(option));
        switch (policy) {
            case SILENT -> { }
            case REFUSE_ALL -> {
                if (verb == WILL) sendBytes(IAC, DONT, option);
                if (verb == DO) sendBytes(IAC, WONT, option);
            }
            case NAIVE -> sendBytes(IAC, verb == WILL ? DO : verb == WONT ? DONT : verb == DO ? WILL : WONT, option);
            case TERMINAL -> {
                boolean serverMay = option == Telnet.ECHO || option == Telnet.SGA || option == Telnet.BINARY;
                boolean weMay = option == Telnet.SGA || option == Telnet.NAWS || option == Telnet.TTYPE || option == Telnet.BINARY;
                if (verb == WILL) sendBytes(IAC, serverMay ? DO : DONT, option);
                if (verb == DO) {
                    sendBytes(IAC, weMay ? WILL : WONT, option);
                    if (option == Telnet.NAWS) naws(width, height);
                }
            }
        }
    }

    private void subnegotiation(byte[] p) throws IOException {
        List<String> parts = new ArrayList<>();
        for (byte b : p) parts.add(Integer.toString(b & 0xff));
        commands.add("SB " + (p.length > 0 ? Telnet.optionName(p[0] & 0xff) : "") + " " + String.join(" ", parts.subList(Math.min(1, parts.size()), parts.size())));
        if (policy == Policy.TERMINAL && p.length == 2 && p[0] == Telnet.TTYPE && p[1] == 1) {
            byte[] name = terminalType.getBytes(StandardCharsets.US_ASCII);
            byte[] msg = new byte[name.length + 6];
            msg[0] = (byte) IAC; msg[1] = (byte) SB; msg[2] = (byte) Telnet.TTYPE; msg[3] = 0;
            System.arraycopy(name, 0, msg, 4, name.length);
            msg[msg.length - 2] = (byte) IAC; msg[msg.length - 1] = (byte) SE;
            sendBytes(msg);
        }
    }

    /** Closes the connection; again does nothing (the fixture closes what a test closed already). */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        if (raw != null) raw.close();
        else commonsNet.disconnect();
    }
}
