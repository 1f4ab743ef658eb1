package dev.portico.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The generators' own plumbing, over real loopback sockets: no timing is asserted. */
@Timeout(30)
class GeneratorTest {

    @Test
    void ftpSessionsAgainstTheTrivialServerAllSucceed() throws Exception {
        try (TrivialFtpServer server = new TrivialFtpServer(0, 26000, 26099)) {
            FtpSessions.Outcome o = FtpSessions.drive("127.0.0.1", server.port(), "u", "p", "4k.bin", 4, 40, 20, 5000);
            assertThat(o.failures()).isZero();
            assertThat(o.errors()).isEmpty();
            assertThat(o.ok()).isEqualTo(40);
            assertThat(o.latenciesMs()).hasSize(40);
        }
    }

    @Test
    void smtpMessageIsDotTerminatedCrlfOfAboutTheAskedSize() {
        byte[] m = SmtpConn.message("a@b", "c@d", 10 * 1024);
        String s = new String(m, StandardCharsets.US_ASCII);
        assertThat(s).endsWith("\r\n.\r\n");
        assertThat(m.length).isBetween(10 * 1024, 10 * 1024 + 8);
        assertThat(s.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
    }

    @Test
    void reportPairsRoundsAndPrintsRatiosOfPorticoToEachPeer(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results.txt");
        Files.writeString(results, """
                # header
                result workload=ftp-files server=portico round=1 value=200 unit=files/s failures=0
                result workload=ftp-files server=peer round=1 value=100 unit=files/s failures=0
                result workload=ftp-files server=portico round=2 value=300 unit=files/s failures=0
                result workload=ftp-files server=peer round=2 value=100 unit=files/s failures=1 error=boom
                """);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.out;
        synchronized (GeneratorTest.class) {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            try {
                Report.run(new Args(new String[] {"report", "--file", results.toString()}, 1));
            } finally {
                System.setOut(old);
            }
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("== ftp-files").contains("2.00 3.00 (2.50)").contains("peer round 2: boom");
        assertThat(out.lines().filter(l -> l.startsWith("portico ")).findFirst().orElseThrow()).contains("250.0");
    }

    @Test
    void relaySinkRecordsEachMessageByItsIdBeforeItsReply() throws Exception {
        RelayLoad.Run run = new RelayLoad.Run(10);
        try (RelayLoad.Sink sink = RelayLoad.Sink.start(0, run);
             SmtpConn c = SmtpConn.open("127.0.0.1", sink.port(), 5000)) {
            byte[] body = SmtpConn.message("a@b", "c@d", 2048);
            c.send("a@b", "c@d", RelayLoad.withId(7, body));
            assertThat(run.arrived.get(7)).isPositive();
            c.send("a@b", "c@d", RelayLoad.withId(3, body));
            c.quit();
        }
        assertThat(run.arrived.get(3)).isPositive();
        assertThat(run.arrivals.get()).isEqualTo(2);
        assertThat(run.unknown.get()).isZero();
        assertThat(run.arrived.get(0)).isEqualTo(-1);
    }

    @Test
    void relayGoalsComparePorticoWithPostfix(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results.txt");
        Files.writeString(results, """
                result workload=relay-s20-10k server=portico-relay round=1 value=300 unit=msg/s p99_ms=120 failures=0
                result workload=relay-s20-10k server=postfix-relay round=1 value=200 unit=msg/s p99_ms=900 failures=0
                result workload=relay-s20-10k-r150 server=portico-relay round=1 value=149 unit=msg/s p99_ms=1500 failures=0
                result workload=relay-s20-10k-r150 server=postfix-relay round=1 value=150 unit=msg/s p99_ms=90 failures=0
                """);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.out;
        synchronized (GeneratorTest.class) {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            try {
                Report.run(new Args(new String[] {"report", "--file", results.toString()}, 1));
            } finally {
                System.setOut(old);
            }
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("MET     relay-s20-10k delivered msg/s >= Postfix: ratio 1.50")
                .contains("MET     relay-s20-10k portico-relay p99 250-to-sink < 1 s, none lost: p99 120.0 ms")
                .contains("MISSED  relay-s20-10k-r150 portico-relay p99 250-to-sink < 1 s, none lost: p99 1500.0 ms")
                .doesNotContain("relay-s20-10k-r150 delivered");
    }

    @Test
    void sizesParseWithBinaryUnits() {
        assertThat(Args.parseSize("4k")).isEqualTo(4096);
        assertThat(Args.parseSize("64m")).isEqualTo(64L << 20);
        assertThat(Args.parseSize("1g")).isEqualTo(1L << 30);
        assertThat(Args.parseSize("512")).isEqualTo(512);
    }
}
