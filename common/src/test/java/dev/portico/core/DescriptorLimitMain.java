package dev.portico.core;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;

/**
 * The server side of {@link DescriptorExhaustionTest}, run in its own JVM under a low open-file
 * limit: two toy servers sharing one session registry, {@code toy} with the default limits and
 * {@code big} with {@code max-sessions} far above the limit (an explicit setting the process
 * cannot honour). Logs at INFO to standard output, prints {@code ports TOY BIG}, and exits when
 * its standard input closes, or after a minute whatever happens.
 */
public final class DescriptorLimitMain {

    private DescriptorLimitMain() {}

    public static void main(String[] args) throws IOException {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        Thread.ofPlatform().daemon(true).start(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                // exit below either way
            }
            Runtime.getRuntime().halt(3);
        });
        SessionRegistry registry = new SessionRegistry();
        LineServer toy = ToyProtocol.server(Limits.DEFAULT, null, registry, LineEnding.LENIENT).start();
        LineServer big = ToyProtocol.server(Limits.DEFAULT.withMaxSessions(1_000_000).withMaxSessionsPerAddress(1_000_000),
                null, registry, LineEnding.LENIENT).start();
        System.out.println("ports " + toy.port() + " " + big.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the test closes our input to stop us
        }
        toy.stop(Duration.ZERO);
        big.stop(Duration.ZERO);
        Runtime.getRuntime().halt(0);
    }
}
