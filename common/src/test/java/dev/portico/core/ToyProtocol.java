package dev.portico.core;

import dev.portico.core.tls.Tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/**
 * The smallest line protocol on the core, for testing it: {@code ECHO text}, {@code STARTTLS},
 * {@code QUIT}, {@code SLOW millis} (a busy command, for shutdown tests), {@code FLOOD} (256 MiB
 * of output, for clients that stop reading).
 */
final class ToyProtocol implements ConnectionHandler {

    private final Tls tls;

    ToyProtocol(Tls tls) {
        this.tls = tls;
    }

    static LineServer server(Limits limits, Tls tls, SessionRegistry registry, LineEnding ending) {
        ToyProtocol toy = new ToyProtocol(tls);
        return new LineServer(new LineServer.Options("toy", new InetSocketAddress("127.0.0.1", 0), limits,
                "421 busy", "421 shutting down", null), c -> {
            c.setLineEnding(ending);
            toy.serve(c);
        }, registry, ConnectionFilter.ADMIT_ALL);
    }

    @Override
    public void serve(LineConnection c) throws IOException {
        c.send(Reply.of(220, "toy ready"));
        while (true) {
            String line;
            try {
                line = c.readLine();
            } catch (LineTooLongException e) {
                c.send(Reply.of(500, "line too long"));
                continue;
            } catch (BareLineEndingException e) {
                c.send(Reply.of(500, "bare line ending"));
                continue;
            } catch (SocketTimeoutException e) {
                c.send(Reply.of(421, "idle timeout"));
                return;
            }
            if (line == null) return;
            CommandLine cmd = CommandLine.parse(line);
            switch (cmd.verb()) {
                case "ECHO" -> c.send(Reply.of(250, cmd.argument()));
                case "STARTTLS" -> {
                    c.send(Reply.of(220, "go ahead"));
                    int dropped = c.startTls(tls);
                    c.send(Reply.of(250, "secure, dropped " + dropped));
                }
                case "SLOW" -> {
                    try {
                        Thread.sleep(Long.parseLong(cmd.argument()));
                    } catch (InterruptedException e) {
                        return;
                    }
                    c.send(Reply.of(250, "done"));
                }
                case "FLOOD" -> {
                    byte[] chunk = new byte[65536];
                    for (int i = 0; i < 4096; i++) c.writeBytes(chunk, 0, chunk.length);
                    c.flush();
                }
                case "QUIT" -> {
                    c.send(Reply.of(221, "bye"));
                    return;
                }
                default -> c.send(Reply.of(500, "unknown"));
            }
        }
    }
}
