package dev.portico.app;

import dev.portico.core.Limits;
import dev.portico.core.Services;
import dev.portico.core.Settings;
import dev.portico.core.echo.EchoServer;
import dev.portico.ftp.FtpConfig;
import dev.portico.ftp.FtpServer;
import dev.portico.pop3.Pop3Config;
import dev.portico.pop3.Pop3Server;
import dev.portico.smtp.SmtpConfig;
import dev.portico.smtp.SmtpServer;
import dev.portico.telnet.TelnetConfig;
import dev.portico.telnet.TelnetServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * All of Portico in one object: opens the data folder, starts every enabled server, and stops
 * them in reverse order. The launcher uses it, and so can a test that embeds Portico:
 *
 * <pre>{@code
 * try (Portico p = Portico.start(Settings.of(Map.of("data", tmp.toString(),
 *         "ftp.port", "0", "smtp.port", "0", "pop3.port", "0", "telnet.port", "0")))) {
 *     int ftp = p.port("ftp");
 * }
 * }</pre>
 */
public final class Portico implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Portico.class);

    /** Default ports of the operating contract; the echo service is off unless asked for. */
    public static final Map<String, Integer> DEFAULT_PORTS = Map.of(
            "telnet", 2323, "ftp", 2121, "smtp", 2525, "pop3", 2110, "echo", -1);

    private final Services services;
    private final List<Closeable> servers = new ArrayList<>();
    private final Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();

    private Portico(Services services) {
        this.services = services;
    }

    /** Opens {@code data} (default {@code ./data}) and starts every server whose port is not {@code off}. */
    public static Portico start(Settings settings) throws IOException {
        Path data = Path.of(settings.string("data", "data"));
        Portico p = new Portico(Services.open(data, settings));
        try {
            p.startAll(settings);
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    private void startAll(Settings s) throws IOException {
        if (enabled(s, "telnet")) {
            TelnetServer t = new TelnetServer(services, TelnetConfig.from(withPort(s, "telnet")));
            add(t, t.start().listeners());
        }
        if (enabled(s, "ftp")) {
            FtpServer f = new FtpServer(services, FtpConfig.from(withPort(s, "ftp")));
            add(f, f.start().listeners());
        }
        if (enabled(s, "smtp")) {
            SmtpServer m = new SmtpServer(services, SmtpConfig.from(withPort(s, "smtp")));
            add(m, m.start().listeners());
        }
        if (enabled(s, "pop3")) {
            Pop3Server p = new Pop3Server(services, Pop3Config.from(withPort(s, "pop3")));
            add(p, p.start().listeners());
        }
        OptionalInt echo = s.port("echo.port", DEFAULT_PORTS.get("echo"));
        if (echo.isPresent()) {
            EchoServer e = new EchoServer(services, new InetSocketAddress(services.bindAddress(), echo.getAsInt()),
                    Limits.from(s, "echo", Limits.DEFAULT)).start();
            add(e, Map.of("echo", e.address()));
        }
    }

    /** Listeners a server may have besides its main port; it starts when any of them is on. */
    private static final Map<String, String> EXTRA_PORTS = Map.of(
            "ftp", "ftp.implicit-port", "smtp", "smtp.submission-port", "pop3", "pop3.implicit-port");

    private static boolean enabled(Settings s, String name) {
        String extra = EXTRA_PORTS.get(name);
        return s.port(name + ".port", DEFAULT_PORTS.get(name)).isPresent()
                || extra != null && s.port(extra, -1).isPresent();
    }

    /** Makes the contract's default port explicit, so every module agrees on it. */
    private static Settings withPort(Settings s, String name) {
        return s.has(name + ".port") ? s : s.with(name + ".port", String.valueOf(DEFAULT_PORTS.get(name)));
    }

    private void add(Closeable server, Map<String, InetSocketAddress> bound) {
        servers.add(server);
        listeners.putAll(bound);
    }

    public Services services() {
        return services;
    }

    /** Every listener by name ("ftp", "ftps", "smtp", "submission", …) and the address it is bound to. */
    public Map<String, InetSocketAddress> listeners() {
        return Collections.unmodifiableMap(listeners);
    }

    /** The bound port of a listener. */
    public int port(String listener) {
        InetSocketAddress a = listeners.get(listener);
        if (a == null) throw new IllegalArgumentException("no listener " + listener + "; have " + listeners.keySet());
        return a.getPort();
    }

    /** Stops every server at once, each within its own grace period, and waits for all. */
    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        for (Closeable server : servers) {
            stopping.add(Thread.ofVirtual().start(() -> {
                try {
                    server.close();
                } catch (IOException | RuntimeException e) {
                    log.warn("stopping a server failed: {}", e.toString());
                }
            }));
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        servers.clear();
    }
}
