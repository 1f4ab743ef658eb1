package dev.portico.ftp;

import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;

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
        userPass(raw, user, password, "230");
        return raw;
    }

    /** A raw control connection logged in as alice. */
    static RawClient alice(int port) throws IOException {
        return login(port, "alice", TestServices.ALICE_PASSWORD);
    }

    /** Logs alice in on an open control connection. */
    static void alice(RawClient raw) throws IOException {
        userPass(raw, "alice", TestServices.ALICE_PASSWORD, "230");
    }

    /** USER (answered 331) then PASS, whose reply must start with {@code code}. */
    static void userPass(RawClient raw, String user, String password, String code) throws IOException {
        raw.send("USER " + user).expect("331");
        raw.send("PASS " + password).expect(code);
    }

    /** Sends PASV and returns the advertised port. */
    static int pasv(RawClient raw) throws IOException {
        return pasvPort(raw.send("PASV").expect("227"));
    }

    /** The port in a 227 reply. */
    static int pasvPort(String reply) {
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
