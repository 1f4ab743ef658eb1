package dev.portico.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * SubEthaSMTP with a handler that streams each message into its own file under {@code --dir}, written in
 * {@code tmp/} and renamed into {@code new/} as Maildir does. With {@code --fsync true} (the default) the file is
 * fsynced before the rename and the 250: its data is on disk, but not yet its name in {@code new/}, which a crash
 * of the machine can still lose. With {@code --fsync-dir true} as well, {@code new/} is fsynced after the rename,
 * the promise Portico's Maildir delivery makes (the message is on disk under its name before the 250).
 * Connection limit lifted to 100,000.
 */
public final class SubethaPeer {
    private static final AtomicLong SEQ = new AtomicLong();

    private SubethaPeer() {
    }

    /**
     * Starts the server and blocks.
     *
     * @param args {@code --port P --dir DIR [--fsync true|false] [--fsync-dir true|false] [--bind ADDR]}
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        var opt = PeerArgs.parse(args);
        Path dir = Path.of(opt.get("dir"));
        boolean fsync = Boolean.parseBoolean(opt.getOrDefault("fsync", "true"));
        boolean fsyncDir = Boolean.parseBoolean(opt.getOrDefault("fsync-dir", "false"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("new"));
        SMTPServer server = SMTPServer.port(Integer.parseInt(opt.get("port")))
                .bindAddress(InetAddress.getByName(opt.getOrDefault("bind", "127.0.0.1")))
                .hostName("subetha.localhost")
                .maxConnections(100_000)
                .connectionTimeout(3600, TimeUnit.SECONDS)
                .backlog(1024)
                .messageHandlerFactory(ctx -> new FileHandler(dir, fsync, fsyncDir))
                .build();
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.out.println("subethasmtp: ready");
        Thread.currentThread().join();
    }

    /** One message: its data goes to tmp/NAME, then new/NAME. */
    private static final class FileHandler implements MessageHandler {
        private final Path dir;
        private final boolean fsync;
        private final boolean fsyncDir;

        FileHandler(Path dir, boolean fsync, boolean fsyncDir) {
            this.dir = dir;
            this.fsync = fsync;
            this.fsyncDir = fsyncDir;
        }

        @Override
        public void from(String from) {
        }

        @Override
        public void recipient(String recipient) {
        }

        @Override
        public String data(InputStream data) throws IOException {
            String name = System.currentTimeMillis() + "." + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet()
                    + ".subetha";
            Path tmp = dir.resolve("tmp").resolve(name);
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = data.read(buf)) >= 0) {
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                }
                if (fsync) {
                    out.force(true);
                }
            }
            Path newDir = dir.resolve("new");
            Files.move(tmp, newDir.resolve(name));
            if (fsyncDir) {
                try (FileChannel d = FileChannel.open(newDir, StandardOpenOption.READ)) {
                    d.force(true);
                }
            }
            return null;
        }

        @Override
        public void done() {
        }
    }
}
