package dev.portico.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * A failing test gets the wire transcript of its sessions in its report; a passing one gets none.
 * Runs {@link Sample} through the JUnit Platform and reads the report entries it published.
 */
@Timeout(60)
class TranscriptTest {

    /** Run only by the launcher below (Surefire skips nested classes). */
    static class Sample {
        @RegisterExtension
        static PorticoExtension portico = PorticoExtension.builder().smtp().withUser("alice", "pw").build();

        @Test
        void fails() throws Exception {
            Mails.send(Mails.session(portico.port("smtp"), 1), "alice@localhost", "see the transcript", "x");
            assertThat(portico.received()).as("a deliberately failing test").isEmpty();
        }

        @Test
        void passes() throws Exception {
            Mails.send(Mails.session(portico.port("smtp"), 1), "alice@localhost", "fine", "x");
            assertThat(portico.received()).hasSize(1);
        }
    }

    @Test
    void aFailedTestShowsItsConversation() {
        Map<String, String> transcripts = new ConcurrentHashMap<>();
        Map<String, TestExecutionResult.Status> results = new ConcurrentHashMap<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request().selectors(selectClass(Sample.class))
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false").build(), new TestExecutionListener() {
            @Override
            public void reportingEntryPublished(TestIdentifier test, ReportEntry entry) {
                entry.getKeyValuePairs().forEach((k, v) -> {
                    if (k.equals("portico-transcript")) transcripts.put(test.getDisplayName(), v);
                });
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (test.isTest()) results.put(test.getDisplayName(), result.getStatus());
            }
        });

        assertThat(results).containsEntry("fails()", TestExecutionResult.Status.FAILED)
                .containsEntry("passes()", TestExecutionResult.Status.SUCCESSFUL);
        assertThat(transcripts).containsOnlyKeys("fails()");
        assertThat(transcripts.get("fails()"))
                .contains("--- smtp-", "S: 220 localhost ESMTP Portico", "C: EHLO ", "C: MAIL FROM:<sender@example.org>",
                        "C: RCPT TO:<alice@localhost>", "C: Subject: see the transcript", "S: 250 2.0.0 Ok: message accepted",
                        "C: QUIT", "S: 221 2.0.0 Bye");
    }
}
