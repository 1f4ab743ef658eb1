package dev.portico.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * {@code maildir --dir D --count N --size S}: writes a Maildir of N messages straight into {@code D/cur}, the
 * same bytes on every call, so that run.sh can give Portico and Dovecot identical mailboxes (it writes one
 * template per size and copies it with {@code cp -a}). The messages look like an MDA's: LF line ends (Postfix,
 * procmail and Dovecot's LDA write LF), file names without {@code ,S=}/{@code ,W=} (as Postfix's local and
 * virtual agents name them), so a server meeting the folder for the first time must read every file for its
 * sizes; the first 90% flagged \Seen, the rest unseen; modification times one minute apart (INTERNALDATE).
 * Every 100th subject contains the word {@code needle} (imap-search looks for it); the others one of a few
 * common words.
 */
final class MaildirWrite {
    private static final String[] WORDS = {"invoice", "meeting", "report", "lunch", "release", "holiday", "update"};
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private MaildirWrite() {
    }

    static void run(Args a) throws IOException {
        Path dir = Path.of(a.required("dir"));
        int count = a.integer("count", 1000);
        int size = (int) a.size("size", 4096);
        String to = a.string("to", "bench@localhost");
        for (String d : new String[]{"cur", "new", "tmp"}) {
            Files.createDirectories(dir.resolve(d));
        }
        long t0 = System.nanoTime();
        long base = 1_764_547_200L; // 2025-12-01T00:00:00Z
        long bytes = 0;
        for (int i = 1; i <= count; i++) {
            long when = base + 60L * i;
            byte[] m = message(i, size, to, when);
            String flags = i <= count * 9L / 10 ? "S" : "";
            Path f = dir.resolve("cur").resolve(String.format(Locale.ROOT, "%d.M%06dP4242.bench:2,%s", when, i, flags));
            Files.write(f, m);
            Files.setLastModifiedTime(f, FileTime.from(Instant.ofEpochSecond(when)));
            bytes += m.length;
        }
        new Result("maildir-write", (System.nanoTime() - t0) / 1e6, "ms", a.tags())
                .with("messages", count).with("bytes", bytes).print();
    }

    /** Message {@code i}: headers like a delivered mail, then 72-character body lines up to about {@code size}. */
    static byte[] message(int i, int size, String to, long epochSecond) {
        StringBuilder sb = new StringBuilder(size + 512);
        String word = i % 100 == 0 ? "needle" : WORDS[i % WORDS.length];
        sb.append("Return-Path: <sender").append(i % 50).append("@example.org>\n")
          .append("Delivered-To: ").append(to).append('\n')
          .append("Received: from mx.example.org (mx.example.org [192.0.2.25])\n\tby bench.localhost with ESMTP id ")
          .append(Integer.toHexString(i * 7919)).append("\n\tfor <").append(to).append(">; ")
          .append(DATE.format(Instant.ofEpochSecond(epochSecond))).append('\n')
          .append("Date: ").append(DATE.format(Instant.ofEpochSecond(epochSecond))).append('\n')
          .append("From: \"Sender ").append(i % 50).append("\" <sender").append(i % 50).append("@example.org>\n")
          .append("To: <").append(to).append(">\n")
          .append("Subject: Bench message ").append(i).append(' ').append(word).append('\n')
          .append("Message-ID: <").append(i).append(".bench@example.org>\n")
          .append("MIME-Version: 1.0\n")
          .append("Content-Type: text/plain; charset=us-ascii\n\n");
        String row = "The quick brown fox jumps over the lazy dog; message " + i + " of the bench. ";
        while (sb.length() < size - 1) {
            int room = size - 1 - sb.length();
            sb.append(row, 0, Math.min(room, Math.min(row.length(), 71))).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
