package dev.portico.imap;

import dev.portico.testing.Fuzzing;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;

/** Each IMAP fuzz target in a JVM of its own for {@code portico.fuzz.seconds} (see {@link Fuzzing}). */
@Isolated   // a fuzzing JVM keeps a core busy; other tests' timing-sensitive steps must not share it
class ImapFuzzingTest {

    @ParameterizedTest
    @ValueSource(classes = {MessageViewFuzzTest.class})
    @Timeout(value = 1, unit = TimeUnit.DAYS)   // Fuzzing.run bounds each target to portico.fuzz.seconds + 2 min
    void fuzz(Class<?> target) throws Exception {
        Fuzzing.run(target);
    }
}
