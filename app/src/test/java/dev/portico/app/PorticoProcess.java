package dev.portico.app;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Portico started as its own operating-system process, the way {@code ./portico} starts it: the
 * java binary running this test, the test class path, {@code dev.portico.app.Main serve} with
 * every port 0 or off. Start-up is read from standard output as scripts read it (one
 * {@code portico: NAME listening on HOST:PORT} line per listener, then {@code portico: ready});
 * the server's log (standard error) goes to a file next to the data folder. {@link #kill()} is
 * {@code kill -9}: {@link Process#destroyForcibly()} sends SIGKILL on Linux, so no shutdown hook,
 * no finally block and no buffered write of the server runs.
 */
final class PorticoProcess implements AutoCloseable {

    /** Generous: a first start generates a certificate, and CI machines are busy. */
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final Pattern LISTENING = Pattern.compile("portico: (\\S+) listening on (\\S+):(\\d+)");

    private final Process process;
    private final Path log;
    private final Map<String, InetSocketAddress> listeners;
    private final List<String> output;

    private PorticoProcess(Process process, Path log, Map<String, InetSocketAddress> listeners, List<String> output) {
        this.process = process;
        this.log = log;
        this.listeners = listeners;
        this.output = output;
    }

    /** Starts {@code portico serve --data data} with Telnet off, FTP, SMTP and POP3 on free ports. */
    static PorticoProcess serve(Path data, Path log, String... moreFlags) throws IOException {
        return serve(List.of(), System.getProperty("java.class.path"), data, log, moreFlags);
    }

    /**
     * As {@link #serve(Path, Path, String...)}, with JVM options, on the class path the shipped jar
     * has: without the logback-test.xml of the test jars, so Portico's own logging setup is in charge.
     */
    static PorticoProcess serveAsShipped(List<String> jvmOptions, Path data, Path log, String... moreFlags)
            throws IOException {
        return serve(jvmOptions, shippedClassPath(), data, log, moreFlags);
    }

    private static PorticoProcess serve(List<String> jvmOptions, String classPath, Path data, Path log,
                                        String... moreFlags) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, Main.class.getName(),
                "serve", "--data", data.toString(), "--telnet-port", "off",
                "--ftp-port", "0", "--smtp-port", "0", "--pop3-port", "0", "--imap-port", "0"));
        command.addAll(List.of(moreFlags));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("PORTICO_LOG_LEVEL", "INFO");
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        // One reader for the process's whole life: it notes the start-up lines, says when "ready"
        // came, and keeps draining afterwards so the server never blocks on a full pipe.
        Thread.ofVirtual().start(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.matches()) {
                        listeners.put(m.group(1), new InetSocketAddress(m.group(2), Integer.parseInt(m.group(3))));
                    }
                    if (line.equals("portico: ready")) ready.complete(true);
                }
            } catch (IOException ignored) {
                // the process is gone
            }
            ready.complete(false);
        });
        boolean started;
        try {
            started = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            started = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started = false;
        }
        if (!started) {
            p.destroyForcibly();
            throw new IOException("portico did not say ready within " + START_TIMEOUT_SECONDS + " s: " + lines
                    + "\n" + tail(log));
        }
        return new PorticoProcess(p, log, Map.copyOf(listeners), lines);
    }

    /** This test's class path without the entries that hold a logback-test.xml. */
    static String shippedClassPath() throws IOException {
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            boolean testLogging;
            if (Files.isDirectory(p)) {
                testLogging = Files.exists(p.resolve("logback-test.xml"));
            } else if (!Files.isRegularFile(p)) {
                testLogging = false;
            } else {
                try (JarFile jar = new JarFile(p.toFile())) {
                    testLogging = jar.getEntry("logback-test.xml") != null;
                }
            }
            if (!testLogging) kept.add(entry);
        }
        return String.join(File.pathSeparator, kept);
    }

    /** The java binary that runs this test (the JDK Maven's toolchain chose). */
    static String javaBinary() {
        return ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command"));
    }

    int port(String listener) {
        InetSocketAddress a = listeners.get(listener);
        if (a == null) throw new IllegalArgumentException("no " + listener + " listener in " + output);
        return a.getPort();
    }

    /** What the process wrote to standard output so far. */
    List<String> output() {
        return List.copyOf(output);
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, then waits (bounded) until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("portico " + pid() + " survived SIGKILL");
    }

    /** The end of the server's log, for failure messages. */
    static String tail(Path log) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, the normal stop, and a bounded wait; SIGKILL if it does not stop in time. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) kill();
    }
}
