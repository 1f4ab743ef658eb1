package dev.portico.pop3;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, defect 2, for POP3: a command line dribbled past {@code pop3.command-timeout} ends the
 * session as the autologout timer does (RFC 1939 §3: closed without a response, nothing deleted).
 */
@Timeout(30)
class Pop3SlowClientTest {

    @RegisterExtension
    final Pop3Fixture pop3 = new Pop3Fixture();

    @Test
    void aCommandLineDribbledPastTheCommandTimeoutEndsTheSession() throws Exception {
        pop3.start("pop3.command-timeout", "1s");
        try (RawClient c = pop3.raw()) {
            c.timeout(4000);
            long start = System.nanoTime();
            Thread t = c.dribble("USER someone-who-types-very-slowly", 100);   // 3.4 s if not cut
            c.expectClosed();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
            t.join(5000);
        }
        pop3.awaitNoSessions();
    }
}
