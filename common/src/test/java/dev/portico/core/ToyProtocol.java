package dev.portico.core;

import dev.portico.core.tls.Tls;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest line protocol on the core, for testing it: {@code ECHO text}, {@code STARTTLS},
 * {@code QUIT}, {@code SLOW millis} (a busy command, for shutdown tests: {@code 100} when it has
 * started, {@code 250} when done), {@code FLOOD} (256 MiB
 * of output, for clients that stop reading), {@code HOLD n} (opens n more file descriptors, kept
 * until the session ends, as an FTP transfer or an SMTP delivery does), {@code WHO} (the session's
 * client address and port), {@code THREAD} (whether the step runs on a platform or a virtual
 * thread). Served as a {@link CommandSession}, so that an idle session pauses as the real
 * protocols' do.
 */
final class ToyProtocol implements CommandSession.Opener {

    private final Tls tls;
    private static Path heldFile;

    /** The file HOLD opens, made once per JVM. */
    private static synchronized Path heldFile() throws IOException {
        if (heldFile == null) {
            heldFile = Files.createTempFile("toy-hold", ".tmp");
            heldFile.toFile().deleteOnExit();
        }
        return heldFile;
    }

    ToyProtocol(Tls tls) {
        this.tls = tls;
    }

    static LineServer server(Limits limits, Tls tls, SessionRegistry registry, LineEnding ending) {
        return server(limits, tls, registry, ending, true);
    }

    /** @param quickSteps false: sessions that run on virtual threads only, as IMAP's do */
    static LineServer server(Limits limits, Tls tls, SessionRegistry registry, LineEnding ending, boolean quickSteps) {
        ToyProtocol toy = new ToyProtocol(tls);
        return new LineServer(new LineServer.Options("toy", new InetSocketAddress("127.0.0.1", 0), limits,
                "421 busy", "421 shutting down", null), new CommandSession.Opener() {
            @Override
            public CommandSession open(LineConnection c) throws IOException {
                c.setLineEnding(ending);
                return toy.open(c);
            }

            @Override
            public boolean quickSteps() {
                return quickSteps;
            }
        }, registry, ConnectionFilter.ADMIT_ALL);
    }

    @Override
    public CommandSession open(LineConnection c) throws IOException {
        c.send(Reply.of(220, "toy ready"));
        return new Session(c);
    }

    private final class Session implements CommandSession {
        private final LineConnection c;
        private final List<Closeable> held = new ArrayList<>();

        Session(LineConnection c) {
            this.c = c;
        }

        @Override
        public void end() {
            for (Closeable h : held) {
                try {
                    h.close();
                } catch (IOException ignored) {
                    // a temporary file's channel
                }
            }
        }

        @Override
        public boolean step() throws IOException {
            String line;
            try {
                line = c.readLine();
            } catch (LineTooLongException e) {
                c.send(Reply.of(500, "line too long"));
                return true;
            } catch (BareLineEndingException e) {
                c.send(Reply.of(500, "bare line ending"));
                return true;
            } catch (SocketTimeoutException e) {
                c.send(Reply.of(421, "idle timeout"));
                return false;
            }
            if (line == null) return false;
            CommandLine cmd = CommandLine.parse(line);
            switch (cmd.verb()) {
                case "ECHO" -> c.send(Reply.of(250, cmd.argument()));
                case "THREAD" -> c.send(Reply.of(250, Thread.currentThread().isVirtual() ? "virtual" : "platform"));
                case "WHO" -> c.send(Reply.of(250, c.remote().getAddress().getHostAddress() + ":" + c.remote().getPort()));
                case "STARTTLS" -> {
                    c.send(Reply.of(220, "go ahead"));
                    int dropped = c.startTls(tls);
                    c.send(Reply.of(250, "secure, dropped " + dropped));
                }
                case "SLOW" -> {
                    c.send(Reply.of(100, "sleeping"));     // the session is busy now, not waiting for a command
                    try {
                        Thread.sleep(Long.parseLong(cmd.argument()));
                    } catch (InterruptedException e) {
                        return false;
                    }
                    c.send(Reply.of(250, "done"));
                }
                case "HOLD" -> {
                    try {
                        for (int i = Integer.parseInt(cmd.argument()); i > 0; i--) held.add(FileChannel.open(heldFile()));
                        c.send(Reply.of(250, "holding " + held.size()));
                    } catch (IOException e) {
                        c.send(Reply.of(451, "cannot: " + e.getMessage()));
                    }
                }
                case "FLOOD" -> {
                    byte[] chunk = new byte[65536];
                    for (int i = 0; i < 4096; i++) c.writeBytes(chunk, 0, chunk.length);
                    c.flush();
                }
                case "QUIT" -> {
                    c.send(Reply.of(221, "bye"));
                    return false;
                }
                default -> c.send(Reply.of(500, "unknown"));
            }
            return true;
        }
    }
}
