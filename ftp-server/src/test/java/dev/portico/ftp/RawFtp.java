package dev.portico.ftp;

import dev.portico.testing.RawClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Raw-socket helpers for transcripts: log in, open a PASV data connection. */
final class RawFtp {

    private static final Pattern PASV = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");

    private RawFtp() {}

    static RawClient login(int port, String user, String password) throws IOException {
        RawClient raw = new RawClient(port);
        raw.expect("220");
        raw.send("USER " + user).expect("331");
        raw.send("PASS " + password).expect("230");
        return raw;
    }

    /** Sends PASV and returns the advertised port. */
    static int pasv(RawClient raw) throws IOException {
        String reply = raw.send("PASV").expect("227");
        Matcher m = PASV.matcher(reply);
        if (!m.find()) throw new AssertionError("no address in " + reply);
        return Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }
}
