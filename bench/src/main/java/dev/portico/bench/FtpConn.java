package dev.portico.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A minimal FTP client over a raw socket (RFC 959 replies, passive mode only): the load generator must cost
 * far less than the servers it drives, so there is no parsing beyond reply codes and the PASV address.
 * The PASV host is ignored and the control host is used, as clients do behind NAT.
 */
final class FtpConn implements Closeable {
    /** A reply: its code and its last line. */
    record Reply(int code, String text) {
        boolean ok() {
            return code >= 100 && code < 400;
        }
    }

    /** Thrown when a reply has an unexpected code. */
    static final class FtpException extends IOException {
        private static final long serialVersionUID = 1L;

        FtpException(String command, Reply r) {
            super((command == null ? "greeting" : command.split(" ")[0]) + " -> " + r.code() + " " + r.text());
        }
    }

    private final String host;
    private final int timeoutMs;
    private final Socket socket;
    private final BufferedInputStream in;
    private final OutputStream out;
    private final StringBuilder line = new StringBuilder(128);

    private FtpConn(String host, int port, int timeoutMs) throws IOException {
        this.host = host;
        this.timeoutMs = timeoutMs;
        this.socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), timeoutMs);
        socket.setSoTimeout(timeoutMs);
        this.in = new BufferedInputStream(socket.getInputStream(), 4096);
        this.out = socket.getOutputStream();
    }

    /** Connects and reads the 220 greeting. */
    static FtpConn open(String host, int port, int timeoutMs) throws IOException {
        FtpConn c = new FtpConn(host, port, timeoutMs);
        try {
            c.expect(null, c.read(), 2);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** USER then PASS, expecting 230 (a 230 straight after USER is accepted too). */
    void login(String user, String password) throws IOException {
        Reply r = command("USER " + user);
        if (r.code() == 331) {
            r = command("PASS " + password);
        }
        if (r.code() != 230) {
            throw new FtpException("PASS", r);
        }
    }

    Reply command(String cmd) throws IOException {
        out.write((cmd + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return read();
    }

    /** Sends a command and requires a reply of class {@code cls} (2 for 2yz...). */
    Reply expect(String cmd, int cls) throws IOException {
        return expect(cmd, command(cmd), cls);
    }

    private Reply expect(String cmd, Reply r, int cls) throws FtpException {
        if (r.code() / 100 != cls) {
            throw new FtpException(cmd, r);
        }
        return r;
    }

    /** Reads one reply, skipping the middle lines of a multi-line reply. */
    Reply read() throws IOException {
        String first = readLine();
        if (first.length() < 3) {
            throw new IOException("bad reply: " + first);
        }
        int code = Integer.parseInt(first.substring(0, 3));
        String last = first;
        if (first.length() > 3 && first.charAt(3) == '-') {
            String end = first.substring(0, 3) + " ";
            do {
                last = readLine();
            } while (!last.startsWith(end));
        }
        return new Reply(code, last.length() > 4 ? last.substring(4) : "");
    }

    private String readLine() throws IOException {
        return WireLines.read(in, line);
    }

    /** PASV, then connects the data channel. */
    SocketChannel pasv() throws IOException {
        Reply r = expect("PASV", 2);
        String t = r.text();
        int open = t.indexOf('(');
        int close = t.indexOf(')', open + 1);
        String nums = open >= 0 && close > open ? t.substring(open + 1, close) : t.replaceAll("[^0-9,]", "");
        String[] p = nums.split(",");
        if (p.length != 6) {
            throw new IOException("cannot parse PASV reply: " + t);
        }
        int port = Integer.parseInt(p[4].trim()) * 256 + Integer.parseInt(p[5].trim());
        SocketChannel ch = SocketChannel.open();
        try {
            ch.socket().connect(new InetSocketAddress(host, port), timeoutMs);
            ch.socket().setSoTimeout(timeoutMs);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** RETR or LIST into nowhere; returns bytes received. */
    long download(String cmd, ByteBuffer buf) throws IOException {
        long n = 0;
        try (SocketChannel data = pasv()) {
            expect(cmd, 1);
            // Blocking channel reads honour no SO_TIMEOUT: read through the socket's stream when small.
            if (buf.isDirect()) {
                int r;
                while ((r = data.read(buf.clear())) >= 0) {
                    n += r;
                }
            } else {
                var is = data.socket().getInputStream();
                byte[] b = buf.array();
                int r;
                while ((r = is.read(b)) >= 0) {
                    n += r;
                }
            }
        }
        Reply done = read();
        if (done.code() / 100 != 2) {
            throw new FtpException(cmd, done);
        }
        return n;
    }

    /**
     * A listing command (LIST, NLST) over PASV into nowhere, counting its lines: returns {bytes, lines}. The
     * lines tell a whole listing from a truncated one; the timing is the caller's (PASV to the 226).
     */
    long[] listing(String cmd, byte[] buf) throws IOException {
        long n = 0;
        long lines = 0;
        try (SocketChannel data = pasv()) {
            expect(cmd, 1);
            var is = data.socket().getInputStream();
            int r;
            while ((r = is.read(buf)) >= 0) {
                n += r;
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        Reply done = read();
        if (done.code() / 100 != 2) {
            throw new FtpException(cmd, done);
        }
        return new long[] {n, lines};
    }

    /** RETR returning the content (small files, for checks). */
    byte[] fetch(String path) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (SocketChannel data = pasv()) {
            expect("RETR " + path, 1);
            data.socket().getInputStream().transferTo(bytes);
        }
        Reply done = read();
        if (done.code() / 100 != 2) {
            throw new FtpException("RETR", done);
        }
        return bytes.toByteArray();
    }

    /** STOR from a local file with sendfile; returns bytes sent. */
    long upload(String path, Path source) throws IOException {
        long n = 0;
        try (SocketChannel data = pasv(); FileChannel file = FileChannel.open(source, StandardOpenOption.READ)) {
            expect("STOR " + path, 1);
            long size = file.size();
            while (n < size) {
                n += file.transferTo(n, size - n, data);
            }
            data.shutdownOutput();
        }
        Reply done = read();
        if (done.code() / 100 != 2) {
            throw new FtpException("STOR", done);
        }
        return n;
    }

    void quit() throws IOException {
        command("QUIT");
    }

    /** Whether the control connection is still answered (NOOP). */
    boolean alive() {
        try {
            return command("NOOP").code() / 100 == 2;
        } catch (IOException e) {
            return false;
        }
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
