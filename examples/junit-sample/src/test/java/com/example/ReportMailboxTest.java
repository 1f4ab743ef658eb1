package com.example;

import dev.portico.junit.PorticoExtension;
import jakarta.mail.MessagingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The longer cases beside the README's example: the real server's strictness (mail only for the
 * users given here), each user's mailbox as POP3 would show it, and the raw envelope.
 */
class ReportMailboxTest {

    @RegisterExtension
    static PorticoExtension portico = PorticoExtension.builder().smtp().withUser("alice", "secret").build();

    @Test
    void theReportLandsInTheUsersMailbox() throws Exception {
        new ReportMailer("127.0.0.1", portico.port("smtp")).send("alice@localhost", "day,total\nmon,3\n");

        assertThat(portico.waitForIncomingMail(1, Duration.ofSeconds(5))).isTrue();
        var mail = portico.mailbox("alice").messages().get(0);
        assertThat(mail.subject()).isEqualTo("Report");
        assertThat(mail.attachment("report.csv").orElseThrow().bytes()).asString().contains("mon,3");
        assertThat(portico.received().get(0).sender()).isEqualTo("reports@example.com");
    }

    @Test
    void anUnknownRecipientIsRefusedAsOnARealServer() {
        assertThatThrownBy(() -> new ReportMailer("127.0.0.1", portico.port("smtp")).send("nobody@localhost", "x"))
                .isInstanceOf(MessagingException.class);
        assertThat(portico.receivedMessages()).isEmpty();
    }
}
