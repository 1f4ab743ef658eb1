package dev.portico.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reply lines of a text protocol, read from a buffered stream by the FTP and SMTP clients. */
final class WireLines {

    private WireLines() {}

    /** One line without its CR LF, into {@code line} (reused to keep the generator cheap). */
    static String read(InputStream in, StringBuilder line) throws IOException {
        line.setLength(0);
        while (true) {
            int b = in.read();
            if (b < 0) throw new EOFException("connection closed by server");
            if (b == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') line.setLength(n - 1);
                return line.toString();
            }
            line.append((char) b);
        }
    }
}
