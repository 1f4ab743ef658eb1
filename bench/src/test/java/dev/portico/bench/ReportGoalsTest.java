package dev.portico.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's goal lines of issue 16 and its scaling tables: a results file in, the expected lines out. */
class ReportGoalsTest {

    static String report(Path dir, String results) throws Exception {
        Path file = dir.resolve("results.txt");
        Files.writeString(file, results);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.out;
        synchronized (GeneratorTest.class) {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            try {
                Report.run(new Args(new String[] {"report", "--file", file.toString()}, 1));
            } finally {
                System.setOut(old);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The goal line of {@code what}, e.g. "MET     ftp-stor ...", from the issue-16 section. */
    static String goal(String out, String what) {
        String section = out.substring(out.indexOf("== goals of issue 16"));
        return section.lines().filter(l -> l.length() > 8 && l.substring(8).startsWith(what + ":")).findFirst()
                .orElseThrow(() -> new AssertionError("no goal line '" + what + "' in:\n" + section));
    }

    @Test
    void issue16GoalsAreDecidedAsTheIssueWordsThem(@TempDir Path dir) throws Exception {
        String out = report(dir, """
                result workload=start-to-ready server=portico round=1 value=240 unit=ms
                result workload=start-to-ready server=portico-maildir round=1 value=200 unit=ms
                result workload=start-to-ready server=portico-imap round=1 value=410 unit=ms cpu_stall_ms=310 io_stall_ms=0 memory_stall_ms=0
                result workload=start-to-ready server=vsftpd round=1 value=90 unit=ms
                result workload=smtp-s20-10k server=portico-maildir round=1 value=3000 unit=msg/s
                result workload=smtp-s20-10k server=subethasmtp round=1 value=2500 unit=msg/s
                result workload=smtp-s20-10k server=subethasmtp-dirsync round=1 value=2400 unit=msg/s
                result workload=smtp-s20-10k server=portico-discard round=1 value=700 unit=msg/s
                result workload=smtp-s20-10k server=smtp-sink round=1 value=1000 unit=msg/s
                result workload=smtpsrc-s20-10k server=portico-discard round=1 value=790 unit=msg/s
                result workload=smtpsrc-s20-10k server=smtp-sink round=1 value=1000 unit=msg/s
                result workload=ftp-stor server=portico round=1 value=440 unit=MB/s
                result workload=ftp-stor server=vsftpd round=1 value=430 unit=MB/s
                result workload=ftp-stor server=pyftpdlib round=1 value=450 unit=MB/s
                result workload=ftp-stor server=portico round=2 value=460 unit=MB/s
                result workload=ftp-stor server=vsftpd round=2 value=400 unit=MB/s
                result workload=ftp-stor server=pyftpdlib round=2 value=300 unit=MB/s
                result workload=ftp-stor server=portico round=3 value=470 unit=MB/s
                result workload=ftp-stor server=vsftpd round=3 value=400 unit=MB/s
                result workload=ftp-retr server=loopback-sendfile round=1 value=1400 unit=MB/s
                result workload=ftp-retr server=portico round=1 value=1350 unit=MB/s
                result workload=ftp-sessions-c50 server=portico round=1 value=900 unit=sessions/s server_cpu_ms=0.85 failures=0
                result workload=ftp-sessions-c50 server=pyftpdlib round=1 value=700 unit=sessions/s server_cpu_ms=1.1 failures=0
                result workload=ftp-sessions-c50 server=mina round=1 value=400 unit=sessions/s server_cpu_ms=1.8 failures=0
                result workload=ftp-capacity-1000 server=portico round=1 value=3.9 unit=KiB/session sessions=1000 idle_alive=20/20
                result workload=ftp-capacity-10000 server=portico round=1 value=4.5 unit=KiB/session sessions=10000 idle_alive=20/20
                result workload=ftp-capacity-10000 server=portico round=2 value=4.8 unit=KiB/session sessions=10000 idle_alive=19/20
                result workload=smtp-capacity-10000 server=portico-maildir round=1 value=4.0 unit=KiB/session sessions=9731 idle_alive=20/20
                result workload=pop3-c1-1000 server=portico-imap round=1 value=900 unit=msg/s
                result workload=pop3-c1-1000 server=dovecot round=1 value=800 unit=msg/s
                result workload=pop3-c50-100-dele server=portico-imap round=1 value=900 unit=msg/s
                result workload=pop3-c50-100-dele server=dovecot round=1 value=1000 unit=msg/s
                """);
        // 240, 200 and 410 ms: median 240 within 250, but the worst start is over 400
        assertThat(goal(out, "start to 'portico: ready': median <= 250 ms and worst <= 400 ms, every Portico start"))
                .startsWith("MISSED").contains("median 240.0 ms, worst 410.0 ms of 3 starts (portico-imap round 1;"
                        + " stalled meanwhile: cpu 310 ms, io 0 ms, memory 0 ms)");
        // decided against subethasmtp alone; the variant that also fsyncs new/ is shown beside it
        assertThat(goal(out, "smtp-s20-10k Maildir >= 1.0x SubEthaSMTP")).startsWith("MET")
                .contains("ratio 1.20 (3000.0 vs subethasmtp 2500.0 msg/s); beside subethasmtp-dirsync (new/ fsynced too,"
                        + " as Portico does): ratio 1.25 (3000.0 vs subethasmtp-dirsync 2400.0 msg/s)");
        // one line per shape and generator, n/a where the run has no such measurement
        assertThat(goal(out, "smtpsrc-s20-10k Maildir >= 1.0x SubEthaSMTP")).startsWith("n/a")
                .contains("no portico-maildir figures in this run");
        assertThat(goal(out, "smtp-s200-1k Maildir >= 1.0x SubEthaSMTP")).startsWith("n/a").contains("not in this run");
        assertThat(goal(out, "smtpsrc-s1-10k Maildir >= 1.0x SubEthaSMTP")).startsWith("n/a");
        assertThat(goal(out, "smtp-s20-10k discard >= 0.8x smtp-sink")).startsWith("MISSED").contains("ratio 0.7000");
        assertThat(goal(out, "smtpsrc-s20-10k discard >= 0.8x smtp-sink")).startsWith("MISSED").contains("ratio 0.7900");
        // per round against the better of the two: 440/450, 460/400, 470/400 -> median 1.15
        assertThat(goal(out, "ftp-stor >= 1.0x the best of vsftpd and pyftpdlib")).startsWith("MET").contains("ratio 1.15");
        assertThat(goal(out, "ftp-retr >= 0.95x the loopback sendfile ceiling")).startsWith("MET").contains("ratio 0.9643");
        assertThat(goal(out, "ftp-sessions-c50 sessions/s >= 1.2x pyftpdlib")).startsWith("MET").contains("ratio 1.29");
        assertThat(goal(out, "ftp-sessions-c50 server CPU <= 0.9 ms per session")).startsWith("MET").contains("0.8500 ms");
        assertThat(goal(out, "ftp-sessions-c200 sessions/s >= 1.2x pyftpdlib")).startsWith("n/a")
                .contains("the run has ftp-sessions-c50");
        // 4.65 KiB, every session held, but one sampled idle session did not answer in round 2
        assertThat(goal(out, "ftp-capacity-10000 all held and still answering, <= 5 KiB each")).startsWith("MISSED")
                .contains("4.65 KiB/session, fewest held 10000 of 10000 in 2 rounds, idle sessions answering 20/20 19/20");
        assertThat(goal(out, "smtp-capacity-10000 all held, <= 5 KiB each")).startsWith("MISSED")
                .contains("fewest held 9731 of 10000");
        assertThat(goal(out, "pop3-c1-10000 >= 1.0x Dovecot")).startsWith("n/a").contains("the run has pop3-c1-1000");
        assertThat(goal(out, "pop3-c50-100-dele >= 1.0x Dovecot")).startsWith("MISSED").contains("ratio 0.9000");
        // issue 7: what is left of it, once; its superseded goals are not repeated
        assertThat(out).contains("MET     ftp-sessions-c50 server CPU/session < 1/2 of MINA's: 0.8500 ms vs MINA 1.80 ms")
                .contains("n/a     ftp-sessions-c200 zero failures")
                .doesNotContain("<= 10 KiB").doesNotContain("60% of smtp-sink").doesNotContain("< 1 s:")
                .doesNotContain("== goals of issue 12");
        assertThat(out.lines().filter(l -> l.contains("pop3-c50-100-dele >= ")).count()).isEqualTo(1);
    }

    @Test
    void scalingTablesShowEachServersCurveAndNameTheSuperLinearOnes(@TempDir Path dir) throws Exception {
        String out = report(dir, """
                result workload=ftp-list-10 server=portico round=1 value=1.0 unit=ms
                result workload=ftp-list-10 server=pyftpdlib round=1 value=2.0 unit=ms
                result workload=ftp-list-1000 server=portico round=1 value=5.0 unit=ms
                result workload=ftp-list-1000 server=pyftpdlib round=1 value=20.0 unit=ms
                result workload=ftp-list-100000 server=portico round=1 value=400 unit=ms
                result workload=ftp-list-100000 server=pyftpdlib round=1 value=8000 unit=ms
                result workload=smtp-scale-1k server=portico-maildir round=1 value=1000 unit=msg/s
                result workload=smtp-scale-100k server=portico-maildir round=1 value=500 unit=msg/s
                result workload=smtp-scale-10m server=portico-maildir round=1 value=1 unit=msg/s
                result workload=ftp-sessions-c50 server=portico round=1 value=900 unit=sessions/s server_cpu_ms=1.0
                result workload=ftp-sessions-c200 server=portico round=1 value=800 unit=sessions/s server_cpu_ms=1.1
                result workload=ftp-sessions-c1000 server=portico round=1 value=500 unit=sessions/s server_cpu_ms=2.0
                result workload=ftp-sessions-c1000 server=ceiling round=1 value=1500 unit=sessions/s
                """);
        String list = out.substring(out.indexOf("== scaling: FTP LIST"));
        list = list.substring(0, list.indexOf("\n\n"));
        assertThat(list.lines().skip(1).findFirst().orElseThrow()).startsWith("server").containsPattern("server +10 +1000 +100000 +cost@10 +cost@1000 +cost@100000 +exponent +growth");
        // portico: 5 ms per 1,000 entries at 1,000, 4 at 100,000: linear; pyftpdlib: 20 then 80, exponent 1.30
        assertThat(row(list, "portico")).contains("400.0").containsPattern("5.00 +4.00 +0.95 ").endsWith("linear or better");
        assertThat(row(list, "pyftpdlib")).containsPattern("20.00 +80.00 +1.30 ").endsWith("SUPER-LINEAR");
        assertThat(list).contains("super-linear: pyftpdlib (1.30 from 1000 to 100000 entries)");

        String smtp = out.substring(out.indexOf("== scaling: SMTP messages"));
        smtp = smtp.substring(0, smtp.indexOf("\n\n"));
        // 10 MiB at 1 msg/s is 10.49 MB/s; 19.53 ms per MB at 100 KiB, 95.37 at 10 MiB: exponent 1.34
        assertThat(row(smtp, "portico-maildir")).containsPattern("1000.0 +500.0 +1.00 +1.02 +51.20 +10.49 +976.6 +19.53 +95.37 +1.34 ")
                .endsWith("SUPER-LINEAR");

        String sessions = out.substring(out.indexOf("== scaling: FTP sessions"));
        assertThat(row(sessions, "portico")).containsPattern("1.00 +1.10 +2.00 +1.37 ").endsWith("SUPER-LINEAR");
        assertThat(row(sessions, "ceiling")).matches("ceiling +- +- +1500.0 +- +- +- +- +-");
    }

    private static String row(String table, String server) {
        return table.lines().filter(l -> l.startsWith(server + " ")).findFirst().orElseThrow().stripTrailing();
    }
}
