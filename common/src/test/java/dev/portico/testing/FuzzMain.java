package dev.portico.testing;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The main class of the JVM that {@link Fuzzing} starts for one fuzz target: runs the
 * {@code @FuzzTest} class named by the argument on the JUnit Platform, in the mode
 * {@code JAZZER_FUZZ} says, and exits 0 only when every test of it passed.
 */
public final class FuzzMain {

    private FuzzMain() {}

    public static void main(String[] args) throws ClassNotFoundException {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(Class.forName(args[0])))
                // JUnit's timeout would cut a long fuzzing run (the whole run is one invocation);
                // Fuzzing bounds the process instead. Jazzer turns the default into libFuzzer's
                // per-input -timeout, so one input that takes 10 s is a finding.
                .configurationParameter("junit.jupiter.execution.timeout.mode", "disabled")
                .configurationParameter("junit.jupiter.execution.timeout.default", "10s")
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printTo(out);
        summary.printFailuresTo(out, 40);
        out.flush();
        boolean ok = summary.getTotalFailureCount() == 0 && summary.getTestsSucceededCount() > 0;
        System.exit(ok ? 0 : 1);
    }
}
