package dev.portico.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Postfix's own load generator, {@code smtp-source}, timed from outside: {@code -s sessions} in parallel,
 * {@code -m total} messages of {@code -l size} payload bytes, {@code -d} (keep each connection for the next
 * message). Messages/s over the wall-clock time of the process; a non-zero exit or the time bound is a failure.
 */
final class SmtpSource {
    private SmtpSource() {
    }

    static void run(Args a) throws Exception {
        String bin = a.string("bin", "smtp-source");
        int sessions = a.integer("sessions", 20);
        int total = a.integer("total", 2000);
        int size = (int) a.size("size", 10 * 1024);
        double limit = a.seconds("time-limit", 60);
        long pid = a.pid();
        String target = a.string("host", "127.0.0.1") + ":" + a.integer("port", 25);
        List<String> cmd = List.of(bin, "-d", "-s", String.valueOf(sessions), "-m", String.valueOf(total),
                "-l", String.valueOf(size), "-M", "bench.localhost", "-f", a.string("from", "bench@bench.localhost"),
                "-t", a.string("to", "bench@localhost"), target);
        // warm-up, not counted
        exec(List.of(bin, "-d", "-s", "2", "-m", "20", "-l", "1024", "-M", "bench.localhost",
                "-f", a.string("from", "bench@bench.localhost"), "-t", a.string("to", "bench@localhost"), target), 20);
        double cpu0 = ProcStat.cpuMs(pid);
        long t0 = System.nanoTime();
        String[] outcome = exec(cmd, limit);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = ProcStat.cpuMs(pid) - cpu0;
        boolean ok = outcome[0].equals("0");
        String workload = "smtpsrc-s" + sessions + "-" + SmtpLoad.sizeLabel(size);
        Result r = new Result(workload, ok ? total / seconds : Double.NaN, "msg/s", a.tags())
                .with("failures", ok ? 0 : 1)
                .with("of", total)
                .with("server_cpu_ms", ok ? cpu / total : Double.NaN);
        if (!ok) {
            r.with("error", "exit=" + outcome[0] + ":" + outcome[1]);
        }
        r.print();
    }

    /** Runs the command; returns {exit code or "timeout", last output line}. */
    private static String[] exec(List<String> cmd, double limitSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String[] last = {""};
        Thread drain = Thread.ofVirtual().start(() -> {
            try (var r = p.inputReader(StandardCharsets.UTF_8)) {
                String l;
                while ((l = r.readLine()) != null) {
                    last[0] = l;
                }
            } catch (IOException e) {
                // process ended
            }
        });
        if (!p.waitFor((long) (limitSeconds * 1000), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            drain.join(1000);
            return new String[] {"timeout", last[0]};
        }
        drain.join(1000);
        return new String[] {String.valueOf(p.exitValue()), last[0].replace(' ', '_')};
    }
}
