package dev.portico.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.junit.PorticoExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bench's IMAP client and Maildir writer against a real Portico IMAP server: what the generators count
 * (messages fetched, search hits, literal octets of BODY.PEEK[]) must be what the written Maildir holds, or
 * their figures would compare servers doing different work.
 */
class ImapConnTest {
    private static final int COUNT = 300;

    @RegisterExtension
    static final PorticoExtension PORTICO = PorticoExtension.builder().imap().withUser("bench", "bench-pw").perMethod()
            .build();

    private Path writeInbox() throws IOException {
        Path maildir = PORTICO.dataDir().resolve("mail").resolve("bench").resolve("Maildir");
        MaildirWrite.run(new Args(new String[]{"--dir", maildir.toString(), "--count", String.valueOf(COUNT),
                "--size", "2k"}, 0));
        return maildir;
    }

    private ImapConn login() throws IOException {
        return ImapConn.login(PORTICO.host(), PORTICO.port("imap"), "bench", "bench-pw", 10_000);
    }

    @Test
    void fetchSearchAndBodiesCountWhatTheMaildirHolds() throws IOException {
        Path maildir = writeInbox();
        long crlfBytes;
        try (Stream<Path> files = Files.list(maildir.resolve("cur"))) {
            crlfBytes = files.mapToLong(f -> {
                try {
                    return ImapLoad.crlf(Files.readAllBytes(f)).length;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).sum();
        }
        try (ImapConn c = login()) {
            assertThat(c.select("INBOX")).isEqualTo(COUNT);
            AtomicInteger fetched = new AtomicInteger();
            c.command("FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)", r -> {
                if (r.contains(" FETCH (") && r.contains("ENVELOPE")) {
                    fetched.incrementAndGet();
                }
            });
            assertThat(fetched).hasValue(COUNT);

            List<String> search = new ArrayList<>();
            c.command("UID SEARCH SUBJECT needle", search::add);
            assertThat(search).singleElement().satisfies(s -> assertThat(s.substring(9).trim().split(" "))
                    .hasSize(COUNT / 100));

            c.takeLiteralBytes();
            List<String> tags = new ArrayList<>();
            for (int uid = 1; uid <= COUNT; uid++) {
                tags.add(c.send("FETCH " + uid + " BODY.PEEK[]"));
            }
            for (String tag : tags) {
                c.await(tag, r -> { });
            }
            assertThat(c.takeLiteralBytes()).isEqualTo(crlfBytes);
            c.logout();
        }
    }

    @Test
    void appendAndIdleWork() throws IOException {
        writeInbox();
        byte[] message = ImapLoad.crlf(MaildirWrite.message(1, 1024, "bench@localhost", 1_764_547_200L));
        try (ImapConn c = login()) {
            c.append("INBOX", "\\Seen", message);
            c.append("INBOX", "", message);
            assertThat(c.select("INBOX")).isEqualTo(COUNT + 2);
            String tag = c.idle();
            c.done(tag);
            String[] idle = {c.idle()};
            assertThat(c.alive(idle)).isTrue();
            c.done(idle[0]);
            c.logout();
        }
    }

    @Test
    void theWriterGivesTheSameBytesEveryTime(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        for (String d : List.of("a", "b")) {
            MaildirWrite.run(new Args(new String[]{"--dir", tmp.resolve(d).toString(), "--count", "50", "--size", "3k"}, 0));
        }
        try (Stream<Path> files = Files.list(tmp.resolve("a").resolve("cur"))) {
            List<Path> a = files.sorted().toList();
            assertThat(a).hasSize(50);
            for (Path f : a) {
                Path g = tmp.resolve("b").resolve("cur").resolve(f.getFileName());
                assertThat(Files.readAllBytes(g)).isEqualTo(Files.readAllBytes(f));
                assertThat(Files.getLastModifiedTime(g)).isEqualTo(Files.getLastModifiedTime(f));
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.US_ASCII)).doesNotContain("\r");
            }
        }
    }
}
