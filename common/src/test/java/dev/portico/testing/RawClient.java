package dev.portico.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A raw socket for malformed input and exact transcripts: send bytes as they are, read reply
 * lines, expect a close. Every read has a timeout, so a test cannot hang.
 */
public final class RawClient implements Closeable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public RawClient(int port) throws IOException {
        this("127.0.0.1", port);
    }

    public RawClient(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(5000);
        bind();
    }

    /** Over a socket already connected (one bound to a chosen local address, say). */
    public RawClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(5000);
        bind();
    }

    private void bind() throws IOException {
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public Socket socket() {
        return socket;
    }

    public RawClient timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
        return this;
    }

    /** Sends text exactly as given (no line ending added). */
    public RawClient sendRaw(String text) throws IOException {
        return sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawClient sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends one line with CR LF. */
    public RawClient send(String line) throws IOException {
        return sendRaw(line + "\r\n");
    }

    /** Reads one line without its CR LF; null at end of stream. */
    public String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            b.write(c);
            if (b.size() > 1 << 20) throw new IOException("line over 1 MiB");
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads a reply, multi-line FTP/SMTP replies whole ({@code 250-...} up to {@code 250 ...}),
     * and returns its last line.
     */
    public String readReply() throws IOException {
        String line = readLine();
        if (line == null) throw new IOException("connection closed while waiting for a reply");
        if (line.length() >= 4 && line.charAt(3) == '-') {
            String end = line.substring(0, 3) + " ";
            while (line != null && !line.startsWith(end)) line = readLine();
            if (line == null) throw new IOException("connection closed inside a multi-line reply");
        }
        return line;
    }

    /** Reads a reply and fails unless it starts with {@code prefix} ("250", "+OK"). */
    public String expect(String prefix) throws IOException {
        String reply = readReply();
        if (!reply.startsWith(prefix)) throw new AssertionError("expected " + prefix + " but got: " + reply);
        return reply;
    }

    /** Fails unless the server closes the connection (after any lines it still sends). */
    public void expectClosed() throws IOException {
        try {
            for (int i = 0; i < 1000; i++) {
                if (in.read() < 0) return;
            }
            throw new AssertionError("connection still sending, not closed");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection not closed", e);
        } catch (IOException e) {
            // reset by peer counts as closed
        }
    }

    /** Upgrades to TLS as a client trusting {@link TestTls}. */
    public RawClient startTls() throws IOException {
        return startTls(TestTls.CLIENT);
    }

    /** Upgrades to TLS as a client of {@code client} (whose trust decides which server certificates pass). */
    public RawClient startTls(SSLContext client) throws IOException {
        SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(
                socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        s.setUseClientMode(true);
        s.startHandshake();
        socket = s;
        bind();
        return this;
    }

    /**
     * Sends {@code text} a byte every {@code pauseMillis} on a thread of its own, until done or the
     * server closes the socket (what slow-client tests want); join the thread to end the test tidily.
     */
    public Thread dribble(String text, long pauseMillis) {
        return Thread.ofVirtual().start(() -> {
            try {
                for (char ch : text.toCharArray()) {
                    sendRaw(String.valueOf(ch));
                    Thread.sleep(pauseMillis);      // the client's pace, not a wait for the server
                }
            } catch (IOException | InterruptedException e) {
                // closed by the server: expected
            }
        });
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
