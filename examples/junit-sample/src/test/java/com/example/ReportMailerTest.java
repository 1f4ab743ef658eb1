package com.example;

import dev.portico.junit.PorticoExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class ReportMailerTest {
    @RegisterExtension static PorticoExtension portico = PorticoExtension.builder().smtp().catchAll().build();

    @Test void mailsTheReport() throws Exception {
        new ReportMailer("127.0.0.1", portico.port("smtp")).send("alice@example.com", "day,total\nmon,3\n");
        var mail = portico.awaitMessages(1).get(0);
        assertThat(mail.subject()).isEqualTo("Report");
        assertThat(mail.attachment("report.csv").orElseThrow().text()).contains("mon,3");
    }
}
