package dev.portico.bench;

import java.util.Arrays;

/**
 * Entry point of the benchmark tools: {@code java -cp 'bench/target/bench.jar:bench/target/lib/*'
 * dev.portico.bench.Main SUBCOMMAND --key value ...}. Each subcommand prints one {@code result ...} line per
 * result (see {@link Result}); {@code report --file F} turns a run's lines into tables.
 *
 * <p>Every generator is bounded by {@code --time-limit SECONDS}; a watchdog ends the JVM 60 s after it, so a
 * stuck server can never hang a run.
 */
public final class Main {
    private Main() {
    }

    static final String USAGE = """
            usage: Main SUBCOMMAND [--key value ...]
              ftp-bulk      --host --port --user --password --mode retr|stor --remote PATH --local FILE --repeat N
              loopback      --local FILE --repeat N                      (plain socket copy: the ceiling for ftp-bulk)
              ftp-sessions  --host --port --user --password --clients N --count C --warmup W --file 4k.bin --pid P
              ftp-ceiling   --clients N --count C                        (ftp-sessions against a trivial in-process server)
              ftp-list      --host --port --user --password --entries N --dir list/N --repeat R --pid P   (ms per LIST, to the 226)
              ftp-files     --host --port --user --password --count C --files M --dir files --pid P
              capacity      --protocol ftp|smtp|imap --host --port --user --password --levels 1000,5000 --pid P
              smtp-load     --host --port --sessions N --messages M --size 10k --to bench@localhost --pid P [--workload smtp-scale --warmup W]
              relay-load    --host --port --sink-port S --sessions N --messages M --size 10k --to someone@example.net --pid P [--rate R]
                            (submits through a relay whose smart host is this process's sink on S: delivered msg/s, 250-to-arrival p50/p99)
              smtp-source   --host --port --sessions N --total T --size 10k --to bench@localhost --pid P
              imap-fetch    --host --port --user --password --pid P      (SELECT INBOX, FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE): first, cached)
              imap-search   --host --port --user --password --repeat R --criteria 'SUBJECT needle'
              imap-append   --host --port --user --password --clients K --messages M --size 10k
              imap-sync     --host --port --user --password --depth D   (UID FETCH 1:* (FLAGS), then BODY.PEEK[] of each)
              pop3          --host --port --user U | --user-prefix P --clients C --password --delete true|false
              maildir       --dir D --count N --size 4k                 (writes N messages into D/cur, same bytes every time)
              extension-start --rounds R --starts N                     (per-test start of PorticoExtension beside GreenMailExtension, in-process)
              report        --file RESULTS
            common: --time-limit SECONDS, --tag key=value (repeatable, copied onto result lines)
            """;

    /**
     * Runs one subcommand.
     *
     * @param argv subcommand then options
     * @throws Exception when the subcommand fails outright
     */
    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help")) {
            System.out.print(USAGE);
            return;
        }
        Args a = new Args(argv, 1);
        double limit = a.seconds("time-limit", 600);
        Thread.ofPlatform().daemon().name("watchdog").start(() -> {
            try {
                Thread.sleep((long) ((limit + 60) * 1000));
                System.err.println("bench: " + argv[0] + " exceeded its time bound; " + Arrays.toString(argv));
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        switch (argv[0]) {
            case "ftp-bulk" -> FtpBulk.run(a);
            case "loopback" -> Loopback.run(a);
            case "ftp-sessions" -> FtpSessions.run(a);
            case "ftp-ceiling" -> FtpCeiling.run(a);
            case "ftp-files" -> FtpFiles.run(a);
            case "ftp-list" -> FtpList.run(a);
            case "capacity" -> Capacity.run(a);
            case "smtp-load" -> SmtpLoad.run(a);
            case "smtp-source" -> SmtpSource.run(a);
            case "relay-load" -> RelayLoad.run(a);
            case "imap-fetch" -> ImapLoad.fetch(a);
            case "imap-search" -> ImapLoad.search(a);
            case "imap-append" -> ImapLoad.append(a);
            case "imap-sync" -> ImapLoad.sync(a);
            case "pop3" -> Pop3Load.run(a);
            case "maildir" -> MaildirWrite.run(a);
            case "extension-start" -> ExtensionStart.run(a);
            case "report" -> Report.run(a);
            default -> {
                System.err.print(USAGE);
                System.exit(2);
            }
        }
        System.exit(0);
    }
}
