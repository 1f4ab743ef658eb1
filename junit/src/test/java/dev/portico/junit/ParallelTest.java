package dev.portico.junit;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One static extension, per-method lifecycle, three test methods running at the same time
 * (the build runs with {@code junit.jupiter.execution.parallel.enabled}; this class asks for
 * concurrent methods): each finds its own Portico, its own port and only its own mail. The barrier
 * makes sure they really overlap: a method that ran alone would wait for the others in vain.
 */
@Timeout(120)
@Execution(ExecutionMode.CONCURRENT)
class ParallelTest {

    @RegisterExtension
    static PorticoExtension portico = PorticoExtension.builder().smtp().pop3().withUser("alice", "alice-pw").build();

    private static final int METHODS = 3;
    private static final CyclicBarrier together = new CyclicBarrier(METHODS);
    private static final Set<Integer> ports = ConcurrentHashMap.newKeySet();

    private static void sendAndFindOnlyMine(String subject) throws Exception {
        int port = portico.port("smtp");
        together.await(90, TimeUnit.SECONDS);       // all three tests are inside their Portico now
        Mails.send(Mails.session(port, portico.port("pop3")), "alice@localhost", subject, "x");
        together.await(90, TimeUnit.SECONDS);       // and every message has been sent
        assertThat(portico.port("smtp")).isEqualTo(port);
        assertThat(portico.waitForIncomingMail(1, Duration.ofSeconds(10))).isTrue();
        assertThat(portico.receivedMessages()).extracting(MimeMessage::getSubject).containsExactly(subject);
        assertThat(portico.mailbox("alice").size()).isEqualTo(1);
        ports.add(port);
    }

    @Test
    void first() throws Exception {
        sendAndFindOnlyMine("first");
    }

    @Test
    void second() throws Exception {
        sendAndFindOnlyMine("second");
    }

    @Test
    void third() throws Exception {
        sendAndFindOnlyMine("third");
    }

    @AfterAll
    static void eachHadItsOwnServer() {
        assertThat(ports).hasSize(METHODS);
    }
}
