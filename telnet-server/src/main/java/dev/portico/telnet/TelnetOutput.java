package dev.portico.telnet;

import dev.portico.core.LineConnection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The sending half of the NVT (RFC 854): text goes out with CR LF line ends, a bare CR as CR NUL
 * (not in BINARY, RFC 856), and every data byte 255 doubled as IAC IAC. Each call is one write
 * to the connection, whose lock keeps it whole when the input thread answers at the same time.
 */
final class TelnetOutput {

    private final LineConnection connection;
    private volatile boolean binary;

    TelnetOutput(LineConnection connection) {
        this.connection = connection;
    }

    /** Whether we send in BINARY (RFC 856): a bare CR is then not padded with NUL. */
    void binary(boolean on) {
        binary = on;
    }

    /** Text with '\n' as line end. */
    void print(String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        data(b, 0, b.length);
    }

    void println(String line) throws IOException {
        print(line + "\n");
    }

    /** Data bytes: LF becomes CR LF, a bare CR becomes CR NUL, IAC is doubled. */
    void data(byte[] b, int off, int len) throws IOException {
        byte[] out = encode(b, off, len, binary);
        connection.writeBytes(out, 0, out.length);
    }

    static byte[] encode(byte[] b, int off, int len, boolean binary) {
        byte[] out = new byte[len * 2];
        int n = 0;
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            if (c == '\n') {
                out[n++] = '\r';
                out[n++] = '\n';
            } else if (c == '\r') {
                out[n++] = '\r';
                if (i + 1 < off + len && b[i + 1] == '\n') {
                    out[n++] = '\n';
                    i++;
                } else if (!binary) {
                    out[n++] = 0;
                }
            } else if (c == Telnet.IAC) {
                out[n++] = (byte) Telnet.IAC;
                out[n++] = (byte) Telnet.IAC;
            } else {
                out[n++] = (byte) c;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** IAC followed by {@code bytes}, sent as they are. */
    void command(int... bytes) throws IOException {
        byte[] b = new byte[bytes.length + 1];
        b[0] = (byte) Telnet.IAC;
        for (int i = 0; i < bytes.length; i++) b[i + 1] = (byte) bytes[i];
        connection.writeBytes(b, 0, b.length);
    }

    void flush() throws IOException {
        connection.flush();
    }
}
