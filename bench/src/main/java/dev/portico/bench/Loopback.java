package dev.portico.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;

/**
 * The loopback ceiling of this machine: the same file sent over one plain TCP connection on 127.0.0.1,
 * once with sendfile (FileChannel.transferTo) and once with a 256 KiB user-space copy, the receiver
 * discarding. No FTP server can move a file faster than the better of the two.
 */
final class Loopback {
    private Loopback() {
    }

    static void run(Args a) throws Exception {
        Path file = Path.of(a.string("local", "/dev/shm/portico-bench/big.bin"));
        int repeat = a.integer("repeat", 1);
        long size = Files.size(file);
        for (String how : new String[] {"sendfile", "copy"}) {
            double[] rates = new double[repeat];
            for (int i = 0; i < repeat; i++) {
                rates[i] = once(file, size, how.equals("sendfile")) / 1e6;
            }
            var tags = new ArrayList<>(a.tags());
            tags.add("server=loopback-" + how);
            new Result("ftp-retr", Stats.median(rates), "MB/s", tags)
                    .with("best", Stats.percentile(rates, 100))
                    .print();
        }
    }

    private static double once(Path file, long size, boolean sendfile) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread sender = Thread.ofPlatform().start(() -> {
                try (SocketChannel s = server.accept(); FileChannel f = FileChannel.open(file, StandardOpenOption.READ)) {
                    if (sendfile) {
                        long n = 0;
                        while (n < size) {
                            n += f.transferTo(n, size - n, s);
                        }
                    } else {
                        try (InputStream in = Files.newInputStream(file); OutputStream out = s.socket().getOutputStream()) {
                            byte[] b = new byte[256 * 1024];
                            int r;
                            while ((r = in.read(b)) >= 0) {
                                out.write(b, 0, r);
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            long got = 0;
            long t0 = System.nanoTime();
            try (SocketChannel c = SocketChannel.open(server.getLocalAddress())) {
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                int r;
                while ((r = c.read(buf.clear())) >= 0) {
                    got += r;
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            sender.join();
            if (got != size) {
                throw new IOException("loopback moved " + got + " of " + size + " bytes");
            }
            return size / s;
        }
    }
}
