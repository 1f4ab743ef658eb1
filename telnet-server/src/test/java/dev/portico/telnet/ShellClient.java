package dev.portico.telnet;

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
import java.nio.charset.StandardCharsets;

/**
 * Commons Net {@link TelnetClient} as a terminal would use it: echo by the server, SGA both ways,
 * a terminal type and a window size, so the session runs in character mode. Reads are bounded.
 */
final class ShellClient implements Closeable {

    private final TelnetClient telnet = new TelnetClient();
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private int consumed;

    ShellClient(int port, boolean terminal, int width) throws IOException {
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
        telnet.setConnectTimeout(5000);
        telnet.setDefaultTimeout(5000);
        telnet.connect("127.0.0.1", port);
        // Commons Net without a reader thread reports a read timeout as end of stream, so the
        // timeout is the whole wait a test allows for one answer.
        telnet.setSoTimeout(5000);
        in = telnet.getInputStream();
        out = telnet.getOutputStream();
    }

    ShellClient(int port) throws IOException {
        this(port, true, 80);
    }

    TelnetClient telnet() {
        return telnet;
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads until {@code marker} appears in the text (CR LF as \n) after what earlier calls returned. */
    String readUntil(String marker) throws IOException {
        long deadline = System.currentTimeMillis() + 5000;
        byte[] buf = new byte[8192];
        while (true) {
            String text = text();
            int i = text.indexOf(marker);
            if (i >= 0) {
                String got = text.substring(0, i + marker.length());
                consumed += got.length();
                return got;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no '" + marker + "' in: " + text.substring(Math.max(0, text.length() - 2000)));
            }
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0) throw new AssertionError("closed before '" + marker + "'; got: " + text);
            data.write(buf, 0, n);
        }
    }

    private String text() {
        String all = data.toString(StandardCharsets.UTF_8).replace("\r\n", "\n").replace("\r\0", "\r").replace("\0", "");
        return all.substring(Math.min(consumed, all.length()));
    }

    ShellClient login(String user, String password) throws IOException {
        readUntil(TelnetReplies.LOGIN_PROMPT);
        send(user + "\n");
        readUntil(TelnetReplies.PASSWORD_PROMPT);
        send(password + "\n");
        readUntil(TelnetReplies.PROMPT_END);
        return this;
    }

    /** Runs one command and returns its output: the echoed command line and the next prompt removed. */
    String run(String command) throws IOException {
        send(command + "\n");
        String t = readUntil(TelnetReplies.PROMPT_END);
        int lastNl = t.lastIndexOf('\n');
        t = lastNl < 0 ? "" : t.substring(0, lastNl + 1);
        if (t.startsWith(command + "\n")) t = t.substring(command.length() + 1);
        return t;
    }

    @Override
    public void close() throws IOException {
        telnet.disconnect();
    }
}
