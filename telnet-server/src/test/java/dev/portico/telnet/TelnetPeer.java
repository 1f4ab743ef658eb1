package dev.portico.telnet;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A raw-socket Telnet peer for exact transcripts: it parses what the server sends, records every
 * command ("DO NAWS", "SB TTYPE 1"), answers negotiation according to its {@link Policy}, and
 * keeps the data bytes. Every read is bounded by a deadline.
 */
final class TelnetPeer implements Closeable {

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

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Policy policy;
    final List<String> commands = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private int consumed;
    private int width = 80, height = 24;
    private String terminalType = "XTERM";
    private int state;          // 0 data, 1 IAC, 2 verb, 3 SB, 4 SB IAC
    private int verb;
    private final ByteArrayOutputStream sb = new ByteArrayOutputStream();

    TelnetPeer(int port, Policy policy) throws IOException {
        this.policy = policy;
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(200);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    TelnetPeer window(int w, int h) {
        width = w;
        height = h;
        return this;
    }

    TelnetPeer terminalType(String t) {
        terminalType = t;
        return this;
    }

    Socket socket() {
        return socket;
    }

    void send(String text) throws IOException {
        sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    void line(String text) throws IOException {
        send(text + "\r\n");
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

    /** Reads until {@code marker} appears in the data after what earlier calls returned; returns that text. */
    String readUntil(String marker) throws IOException {
        return readUntil(marker, 5000);
    }

    String readUntil(String marker, long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            String text = text(consumed);
            int i = text.indexOf(marker);
            if (i >= 0) {
                String got = text.substring(0, i + marker.length());
                consumed += got.length();
                return got;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no '" + marker + "' within " + millis + " ms; got: " + text);
            }
            if (!pump()) throw new AssertionError("closed before '" + marker + "'; got: " + text);
        }
    }

    /** Reads whatever arrives for {@code millis}; false if the connection closed. */
    boolean drain(long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (!pump()) return false;
        }
        return true;
    }

    /** Waits (bounded) for the server to close. */
    void expectClosed() throws IOException {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (!pump()) return;
            } catch (IOException e) {
                return;
            }
        }
        throw new AssertionError("not closed; got: " + text(consumed));
    }

    /** Text received after what readUntil returned, with CR LF as \n and CR NUL as \r. */
    String rest() {
        return text(consumed);
    }

    byte[] rawData() {
        synchronized (data) {
            return data.toByteArray();
        }
    }

    /** The normalized text from character {@code from} on. */
    private String text(int from) {
        String s = new String(rawData(), StandardCharsets.UTF_8).replace("\r\n", "\n").replace("\r\0", "\r");
        return s.substring(Math.min(from, s.length()));
    }

    /** One read; false at end of stream. */
    private boolean pump() throws IOException {
        byte[] buf = new byte[4096];
        int n;
        try {
            n = in.read(buf);
        } catch (SocketTimeoutException e) {
            return true;
        }
        if (n < 0) return false;
        for (int i = 0; i < n; i++) byteIn(buf[i] & 0xff);
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

    private void keep(int b) {
        synchronized (data) {
            data.write(b);
        }
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

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
