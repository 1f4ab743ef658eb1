package dev.portico.core;

import dev.portico.testing.Fuzzing;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;

/** Each fuzz target of the core in a JVM of its own for {@code portico.fuzz.seconds} (see {@link Fuzzing}). */
@Isolated   // a fuzzing JVM keeps a core busy; other tests' timing-sensitive steps must not share it
class CoreFuzzingTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev.portico.core.fs.FileStoreJailFuzzTest", "dev.portico.core.ProxyHeaderFuzzTest"})
    @Timeout(value = 1, unit = TimeUnit.DAYS)   // Fuzzing.run bounds each target to portico.fuzz.seconds + 2 min
    void fuzz(String target) throws Exception {
        Fuzzing.run(target);
    }
}
