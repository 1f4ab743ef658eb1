package dev.portico.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal SMTP client over a raw socket (RFC 5321, no pipelining, no TLS), cheap enough to drive the
 * fastest sinks: commands and replies only, the message body is sent as prepared bytes.
 */
final class SmtpConn implements Closeable {
    private final Socket socket;
    private final BufferedInputStream in;
    private final OutputStream out;
    private final StringBuilder line = new StringBuilder(128);

    private SmtpConn(String host, int port, int timeoutMs) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), timeoutMs);
        socket.setSoTimeout(timeoutMs);
        in = new BufferedInputStream(socket.getInputStream(), 4096);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    /** Connects, reads the 220 greeting and sends EHLO. */
    static SmtpConn open(String host, int port, int timeoutMs) throws IOException {
        SmtpConn c = new SmtpConn(host, port, timeoutMs);
        try {
            check("greeting", c.read(), 2);
            c.command("EHLO bench.localhost", 2);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Sends one message; {@code body} is CRLF text, already dot-stuffed, ending with CRLF.CRLF. */
    void send(String from, String to, byte[] body) throws IOException {
        command("MAIL FROM:<" + from + ">", 2);
        command("RCPT TO:<" + to + ">", 2);
        command("DATA", 3);
        out.write(body);
        out.flush();
        check("end of data", read(), 2);
    }

    boolean alive() {
        try {
            command("NOOP", 2);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    void quit() throws IOException {
        out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        read();
    }

    private int command(String cmd, int cls) throws IOException {
        out.write((cmd + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return check(cmd.split("[ :]")[0], read(), cls);
    }

    private static int check(String what, String reply, int cls) throws IOException {
        int code = Integer.parseInt(reply.substring(0, 3));
        if (code / 100 != cls) {
            throw new IOException(what + " -> " + reply);
        }
        return code;
    }

    /** Reads one (possibly multi-line) reply and returns its last line. */
    private String read() throws IOException {
        String l;
        do {
            l = readLine();
            if (l.length() < 3) {
                throw new IOException("bad reply: " + l);
            }
        } while (l.length() > 3 && l.charAt(3) == '-');
        return l;
    }

    private String readLine() throws IOException {
        return WireLines.read(in, line);
    }

    /** A message of about {@code size} bytes: headers, then 76-character lines, then CRLF.CRLF. */
    static byte[] message(String from, String to, int size) {
        StringBuilder sb = new StringBuilder(size + 200);
        sb.append("From: <").append(from).append(">\r\n")
          .append("To: <").append(to).append(">\r\n")
          .append("Subject: bench\r\n")
          .append("Message-ID: <bench@bench.localhost>\r\n")
          .append("Date: Thu, 1 Jan 2026 00:00:00 +0000\r\n\r\n");
        String row = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd\r\n";
        while (sb.length() + row.length() <= size) {
            sb.append(row);
        }
        while (sb.length() < size - 2) {
            sb.append('x');
        }
        sb.append("\r\n.\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
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
