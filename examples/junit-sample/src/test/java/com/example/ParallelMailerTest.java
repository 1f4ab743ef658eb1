package com.example;

import dev.portico.junit.PorticoExtension;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Test methods running at the same time (junit-platform.properties turns parallel execution on;
 * this class asks for it): one static extension, and each method still gets a Portico of its own.
 */
@Execution(ExecutionMode.CONCURRENT)
class ParallelMailerTest {

    @RegisterExtension
    static PorticoExtension portico = PorticoExtension.builder().smtp().catchAll().build();

    private void sendAndSeeOnlyMine(String to) throws Exception {
        new ReportMailer("127.0.0.1", portico.port("smtp")).send(to, "day,total\n");
        assertThat(portico.receivedMessages()).singleElement()
                .satisfies(m -> assertThat(m.getAllRecipients()[0].toString()).isEqualTo(to));
        assertThat(portico.receivedMessagesFor(to)).extracting(MimeMessage::getSubject).containsExactly("Report");
    }

    @Test
    void first() throws Exception {
        sendAndSeeOnlyMine("ann@example.com");
    }

    @Test
    void second() throws Exception {
        sendAndSeeOnlyMine("ben@example.org");
    }

    @Test
    void third() throws Exception {
        sendAndSeeOnlyMine("cy@example.net");
    }

    @Test
    void aRefusedDeliveryReachesTheCaller() {
        portico.failNextDeliveries(1, 452, "4.3.1 Mailbox full, try later");

        assertThatThrownBy(() -> new ReportMailer("127.0.0.1", portico.port("smtp")).send("ann@example.com", "x"))
                .isInstanceOf(MessagingException.class).hasStackTraceContaining("452 4.3.1");
        assertThat(portico.receivedMessages()).isEmpty();
    }
}
