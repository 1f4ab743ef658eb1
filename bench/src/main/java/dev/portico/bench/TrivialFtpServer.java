package dev.portico.bench;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cheapest FTP server that satisfies the ftp-sessions script: canned replies, a fixed passive port range,
 * 4 KiB of zeros for any RETR. Run in the generator's own JVM it shows the generator's ceiling on this
 * machine: a real server measured near this figure is limited by the generator, not by itself.
 */
final class TrivialFtpServer implements Closeable {
    private static final byte[] FILE = new byte[4096];
    private static final byte[] LISTING =
            "-rw-r--r--   1 bench    bench        4096 Jan  1 00:00 4k.bin\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket control;
    private final int pasvLow;
    private final int pasvHigh;
    private final AtomicInteger nextPasv = new AtomicInteger();

    TrivialFtpServer(int port, int pasvLow, int pasvHigh) throws IOException {
        this.control = new ServerSocket();
        control.setReuseAddress(true);
        control.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        this.pasvLow = pasvLow;
        this.pasvHigh = pasvHigh;
        Thread.ofPlatform().daemon().name("trivial-ftp-accept").start(this::acceptLoop);
    }

    int port() {
        return control.getLocalPort();
    }

    private void acceptLoop() {
        while (!control.isClosed()) {
            try {
                Socket s = control.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        ServerSocket pasv = null;
        try (s) {
            s.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            send(out, "220 trivial");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase();
                switch (verb) {
                    case "USER" -> send(out, "331 password");
                    case "PASS" -> send(out, "230 in");
                    case "PWD" -> send(out, "257 \"/\"");
                    case "TYPE" -> send(out, "200 ok");
                    case "NOOP" -> send(out, "200 ok");
                    case "PASV" -> {
                        if (pasv != null) {
                            pasv.close();
                        }
                        pasv = openPassive();
                        int p = pasv.getLocalPort();
                        send(out, "227 Entering Passive Mode (127,0,0,1," + (p >> 8) + "," + (p & 255) + ")");
                    }
                    case "LIST", "RETR" -> {
                        if (pasv == null) {
                            send(out, "425 no PASV");
                            continue;
                        }
                        send(out, "150 here");
                        try (ServerSocket ps = pasv; Socket d = ps.accept()) {
                            d.getOutputStream().write(verb.equals("LIST") ? LISTING : FILE);
                        }
                        pasv = null;
                        send(out, "226 done");
                    }
                    case "QUIT" -> {
                        send(out, "221 bye");
                        return;
                    }
                    default -> send(out, "502 no");
                }
            }
        } catch (IOException e) {
            // client went away
        } finally {
            if (pasv != null) {
                try {
                    pasv.close();
                } catch (IOException e) {
                    // closing
                }
            }
        }
    }

    private ServerSocket openPassive() throws IOException {
        int span = pasvHigh - pasvLow + 1;
        for (int tries = 0; tries < span; tries++) {
            int port = pasvLow + Math.floorMod(nextPasv.getAndIncrement(), span);
            ServerSocket ss = new ServerSocket();
            ss.setReuseAddress(true);
            try {
                ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                ss.setSoTimeout(15_000);
                return ss;
            } catch (BindException e) {
                ss.close();
            }
        }
        throw new IOException("no free passive port in " + pasvLow + "-" + pasvHigh);
    }

    private static void send(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        control.close();
    }
}
