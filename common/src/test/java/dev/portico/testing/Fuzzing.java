package dev.portico.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one Jazzer fuzz target (a class with one {@code @FuzzTest}) in a JVM of its own. Jazzer
 * fuzzes only one {@code @FuzzTest} per JVM (libFuzzer is initialised once and its hooks are
 * global), and Surefire cannot fork a JVM per class here (it loads test classes in Maven's own,
 * possibly older, JVM to do that), so each module's {@code XxxFuzzingTest} calls this once per
 * target. The child is the java binary and class path of the running test, with
 * {@code JAZZER_FUZZ=1}: it runs the seeds in {@code src/test/resources/<package>/<Class>Inputs/},
 * then, when asked ({@link #fuzzing()}), fuzzes for {@code portico.fuzz.seconds} (default 3;
 * {@code mvn verify -Dportico.fuzz.seconds=600} for ten minutes per target). By default it runs
 * the seeds only (Jazzer's regression mode). A finding fails the test; Jazzer writes the input into the target's
 * {@code Inputs} directory, where it stays as a regression seed once committed. The output goes
 * to {@code target/fuzz/<Class>.log}.
 */
public final class Fuzzing {

    private static final Pattern DONE = Pattern.compile("Done (\\d+) runs in (\\d+) second");
    private static final Pattern COVERAGE = Pattern.compile("#\\d+\\s+DONE\\s+cov: (\\d+)");

    /** What a fuzzing run did: executions, seconds, coverage (libFuzzer's edge count), mode. */
    public record Result(String target, boolean fuzzed, long runs, long seconds, long coverage) {
        public long perSecond() {
            return seconds == 0 ? runs : runs / seconds;
        }

        @Override
        public String toString() {
            return fuzzed
                    ? String.format("fuzz: %s %d runs in %d s (%d/s), coverage %d, no finding", target, runs, seconds,
                            perSecond(), coverage)
                    : "fuzz: " + target + " seed inputs passed (regression mode)";
        }
    }

    private Fuzzing() {}

    /**
     * Whether to fuzz beyond the seeds. Off in a plain {@code mvn verify}: a new finding there would
     * fail a build for a change that did not cause it (one 3-second run found a harness gap that
     * way), so CI replays the committed seeds, every finding so far among them, deterministically.
     * {@code -Dportico.fuzz.seconds=N} (or {@code -Dportico.fuzz=true} for the 3-second default)
     * fuzzes.
     */
    public static boolean fuzzing() {
        String asked = System.getProperty("portico.fuzz");
        if (asked != null) return Boolean.parseBoolean(asked);
        return System.getProperty("portico.fuzz.seconds") != null;
    }

    public static int seconds() {
        return Math.max(1, Integer.getInteger("portico.fuzz.seconds", 3));
    }

    /** Runs {@code target} in a child JVM and fails (with the end of its output) unless it passes. */
    public static Result run(Class<?> target) throws IOException, InterruptedException {
        return run(target.getName());
    }

    /** {@link #run(Class)} by class name, for targets that are package-private elsewhere. */
    public static Result run(String className) throws IOException, InterruptedException {
        String simpleName = className.substring(className.lastIndexOf('.') + 1);
        Path logs = Files.createDirectories(Path.of("target", "fuzz"));
        Path log = logs.resolve(simpleName + ".log");
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx768m",
                "-XX:+EnableDynamicAgentLoading", "--enable-native-access=ALL-UNNAMED",
                "-Djazzer.max_duration=" + seconds() + "s",
                "-cp", System.getProperty("java.class.path"), FuzzMain.class.getName(), className))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAZZER_FUZZ", fuzzing() ? "1" : "0");
        Process p = pb.start();
        // Start-up, instrumentation and the seeds take seconds on a busy machine; two minutes is
        // far beyond that, and a hang past it is a failure, not a wait.
        long bound = seconds() + 120;
        if (!p.waitFor(bound, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(simpleName + " did not end within " + bound + " s\n" + tail(log));
        }
        String out = Files.readString(log, StandardCharsets.ISO_8859_1);
        if (p.exitValue() != 0) {
            throw new AssertionError(simpleName + " failed (exit " + p.exitValue() + "), see " + log
                    + "\n" + tail(log));
        }
        Matcher done = DONE.matcher(out);
        Matcher cov = COVERAGE.matcher(out);
        Result r = done.find()
                ? new Result(simpleName, true, Long.parseLong(done.group(1)), Long.parseLong(done.group(2)),
                        cov.find() ? Long.parseLong(cov.group(1)) : -1)
                : new Result(simpleName, false, 0, 0, -1);
        if (fuzzing() && !r.fuzzed()) throw new AssertionError(simpleName + " was not fuzzed\n" + tail(log));
        System.out.println(r);
        return r;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
