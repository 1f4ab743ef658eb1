package dev.portico.junit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One Portico for the class and its nested class, back to its starting state between methods.
 * The methods run one after the other (in order), as the reset between them assumes.
 */
@Timeout(60)
@Execution(ExecutionMode.SAME_THREAD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerClassTest {

    @RegisterExtension
    static PorticoExtension portico = PorticoExtension.builder().perClass().smtp().ftp()
            .withUser("alice", "alice-pw").withFile("alice", "in/hello.txt", "hello").build();

    private static int smtpPort;

    @BeforeAll
    static void runsAlreadyInBeforeAll() {
        smtpPort = portico.port("smtp");
        portico.addUser("early", "early-pw");      // the first method sees it; the reset after it does not keep it
    }

    @Test
    @Order(1)
    void changeEverything() throws Exception {
        assertThat(portico.port("smtp")).isEqualTo(smtpPort);
        assertThat(portico.users()).containsExactly("alice", "early");
        Mails.send(Mails.session(portico.port("smtp"), 1), "alice@localhost", "one", "x");
        portico.files("alice").write("made.txt", "made by test one");
        portico.addUser("dave", "dave-pw");
        portico.failNextDeliveries(5, 451, "4.3.0 later");
        assertThat(portico.received()).hasSize(1);
    }

    @Test
    @Order(2)
    void findTheStartingStateOnTheSameServers() throws Exception {
        assertThat(portico.port("smtp")).isEqualTo(smtpPort);
        assertThat(portico.received()).isEmpty();
        assertThat(portico.mailbox("alice").size()).isZero();
        assertThat(portico.files("alice").list()).containsExactly("in/hello.txt");
        assertThat(portico.users()).containsExactly("alice");
        Mails.send(Mails.session(portico.port("smtp"), 1), "alice@localhost", "two", "x");   // no failures left over
        assertThat(portico.received()).hasSize(1);
    }

    @Nested
    class Inner {
        @Test
        void sharesTheEnclosingClassPortico() {
            assertThat(portico.port("smtp")).isEqualTo(smtpPort);
            assertThat(portico.received()).isEmpty();
        }
    }
}
