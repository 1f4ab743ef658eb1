package com.example;

import dev.portico.junit.PorticoExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One FTP server for the whole class; each test finds alice's home as configured. */
class ReportUploaderTest {

    @RegisterExtension
    static PorticoExtension portico = PorticoExtension.builder().ftp().perClass()
            .withUser("alice", "secret")
            .withFile("alice", "reports/README.txt", "reports go here")
            .build();

    private ReportUploader uploader(String password) {
        return new ReportUploader("127.0.0.1", portico.port("ftp"), "alice", password);
    }

    @Test
    void uploadsIntoTheFolder() throws Exception {
        uploader("secret").upload("reports", "june.csv", "day,total\nmon,3\n");

        assertThat(portico.file("alice", "reports/june.csv")).hasContent("day,total\nmon,3");
        assertThat(portico.files("alice").list()).containsExactly("reports/README.txt", "reports/june.csv");
    }

    @Test
    void makesTheFolderWhenItIsMissing() throws Exception {
        uploader("secret").upload("archive", "old.csv", "x");

        assertThat(portico.files("alice").list()).containsExactly("archive/old.csv", "reports/README.txt");
    }

    @Test
    void saysSoWhenTheLoginIsRefused() {
        assertThatThrownBy(() -> uploader("wrong").upload("reports", "june.csv", "x"))
                .isInstanceOf(IOException.class).hasMessageContaining("login refused");
    }
}
