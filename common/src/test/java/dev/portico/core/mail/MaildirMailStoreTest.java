package dev.portico.core.mail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaildirMailStoreTest {

    @TempDir Path dir;

    private static InputStream msg(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void deliversOneCopyPerRecipientIntoNew() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice", "bob", "alice"), msg("Subject: hi\r\n\r\nbody\r\n"));
        for (String u : List.of("alice", "bob")) {
            try (Stream<Path> s = Files.list(store.maildir(u).resolve("new"))) {
                List<Path> files = s.toList();
                assertThat(files).hasSize(1);
                assertThat(files.get(0).getFileName().toString()).endsWith(",S=21,W=21");
                assertThat(Files.readString(files.get(0))).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
            }
            try (Stream<Path> s = Files.list(store.maildir(u).resolve("tmp"))) {
                assertThat(s).isEmpty();
            }
        }
    }

    @Test
    void aFailedDeliveryLeavesNothingVisible() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        InputStream broken = new InputStream() {
            int n;
            @Override public int read() throws IOException {
                if (n++ > 100) throw new IOException("client vanished");
                return 'x';
            }
        };
        assertThatThrownBy(() -> store.deliver(List.of("alice"), broken)).hasMessageContaining("vanished");
        try (Mailbox box = store.open("alice", false)) {
            assertThat(box.messages()).isEmpty();
        }
        try (Stream<Path> s = Files.list(store.maildir("alice").resolve("tmp"))) {
            assertThat(s).isEmpty();
        }
    }

    /**
     * Deliveries share directory fsyncs (group commit), so a delivery may return on another's
     * fsync: whenever a delivery has returned, its message must already be in new/ whole. Every
     * thread checks, after each delivery it saw return, that new/ holds at least as many files as
     * deliveries have returned in all, and at the end every message is there once, byte for byte.
     */
    @Test
    void concurrentDeliveriesAllLandBeforeTheyReturn() throws Exception {
        MaildirMailStore store = new MaildirMailStore(dir);
        int threads = 8, each = 30;
        AtomicInteger returned = new AtomicInteger();
        AtomicInteger toBob = new AtomicInteger();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        boolean bob = (thread + i) % 3 == 0;
                        store.deliver(bob ? List.of("alice", "bob") : List.of("alice"), msg("Subject: " + thread + "/" + i + "\r\n\r\nbody\r\n"));
                        if (bob) toBob.incrementAndGet();
                        int atLeast = returned.incrementAndGet();
                        try (Stream<Path> s = Files.list(store.maildir("alice").resolve("new"))) {
                            long visible = s.count();
                            if (visible < atLeast) problems.add(visible + " visible after " + atLeast + " returned");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        }
        assertThat(problems).isEmpty();
        Set<String> expected = new HashSet<>();
        for (int t = 0; t < threads; t++) for (int i = 0; i < each; i++) expected.add("Subject: " + t + "/" + i + "\r\n\r\nbody\r\n");
        try (Stream<Path> s = Files.list(store.maildir("alice").resolve("new"))) {
            List<String> contents = s.map(MaildirMailStoreTest::read).toList();
            assertThat(contents).hasSize(threads * each).doesNotHaveDuplicates();
            assertThat(new HashSet<>(contents)).isEqualTo(expected);
        }
        try (Stream<Path> s = Files.list(store.maildir("bob").resolve("new"))) {
            assertThat(s.count()).isEqualTo(toBob.get()).isPositive();
        }
        for (String u : List.of("alice", "bob")) {
            try (Stream<Path> s = Files.list(store.maildir(u).resolve("tmp"))) {
                assertThat(s).isEmpty();
            }
        }
    }

    @Test
    void aMaildirRemovedBetweenDeliveriesIsMadeAgain() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice", "bob"), msg("one\r\n"));
        for (String u : List.of("alice", "bob")) deleteTree(store.maildir(u).getParent());
        store.deliver(List.of("alice"), msg("two\r\n"));
        store.deliver(List.of("bob", "alice"), msg("three\r\n"));
        try (Stream<Path> s = Files.list(store.maildir("alice").resolve("new"))) {
            assertThat(s.map(MaildirMailStoreTest::read)).containsExactlyInAnyOrder("two\r\n", "three\r\n");
        }
        try (Stream<Path> s = Files.list(store.maildir("bob").resolve("new"))) {
            assertThat(s.map(MaildirMailStoreTest::read)).containsExactly("three\r\n");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path top) throws IOException {
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Test
    void exclusiveMailboxesLockAndSnapshot() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice"), msg("one\r\n"));
        store.deliver(List.of("alice"), msg("two\r\n"));
        try (Mailbox box = store.open("alice", true)) {
            assertThatThrownBy(() -> store.open("alice", true)).isInstanceOf(MailboxInUseException.class);
            store.deliver(List.of("alice"), msg("three\r\n"));
            List<MessageInfo> m = box.messages();
            assertThat(m).hasSize(2);
            assertThat(new String(box.content(m.get(0).uid()).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one\r\n");
            box.markSeen(List.of(m.get(0).uid()));
            assertThat(new String(box.content(m.get(0).uid()).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one\r\n");
            box.delete(List.of(m.get(1).uid()));
        }
        try (Mailbox box = store.open("alice", true)) {
            assertThat(box.messages()).hasSize(2);
            assertThat(box.messages().get(0).seen()).isTrue();
            assertThat(box.messages().get(1).seen()).isFalse();
        }
        try (Stream<Path> s = Files.list(store.maildir("alice").resolve("cur"))) {
            assertThat(s.map(p -> p.getFileName().toString())).singleElement().asString().endsWith(":2,S");
        }
    }

    @Test
    void sharedMailboxesCannotDelete() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice"), msg("x\r\n"));
        try (Mailbox exclusive = store.open("alice", true); Mailbox shared = store.open("alice", false)) {
            assertThat(shared.messages()).hasSize(1);
            assertThatThrownBy(() -> shared.delete(List.of(shared.messages().get(0).uid())))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void mailboxNamesCannotEscape() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        assertThatThrownBy(() -> store.deliver(List.of("../x"), msg("x"))).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * RFC 1939 §11: sizes are as sent, every line ending in CR LF. Postfix, procmail and Dovecot
     * write bare LF; their files were reported one octet short per line.
     */
    @Test
    void sizesCountLineEndsAsCrLfWhateverTheFileHolds() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice"), msg("ours\r\n"));
        Path fresh = Files.createDirectories(store.maildir("alice").resolve("new"));
        // name (no S=, no W=) -> content -> size as sent
        Files.writeString(fresh.resolve("1700000001.postfix.host"), "Subject: a\n\nbody\n");        // 17 + 3 LFs
        Files.writeString(fresh.resolve("1700000002.mixed.host"), "a\r\nb\nc");                    // no final line end
        Files.writeString(fresh.resolve("1700000003.cr.host"), "a\rb\r");                          // lone CRs, last one gets LF
        Files.writeString(fresh.resolve("1700000004.empty.host"), "");
        Files.writeString(fresh.resolve("1700000005.courier.host,S=4"), "x\ny\n");                 // S= is the file size: not used
        Files.writeString(fresh.resolve("1700000006.dovecot.host,S=4,W=6"), "x\ny\n");             // W= is trusted
        try (Mailbox box = store.open("alice", false)) {
            assertThat(box.messages()).extracting(MessageInfo::size).containsExactlyInAnyOrder(6L, 20L, 9L, 5L, 0L, 6L, 6L);
            for (MessageInfo m : box.messages()) {
                String name = m.uid();
                if (name.contains("postfix")) assertThat(m.size()).isEqualTo(20);
                if (name.contains("mixed")) assertThat(m.size()).isEqualTo("a\r\nb\r\nc\r\n".length());
                if (name.contains("cr.host")) assertThat(m.size()).isEqualTo("a\rb\r\n".length());
            }
        }
    }

    @Test
    void sizesOfFilesWithoutWAreCountedOnceAndRecountedWhenTheFileChanges() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        Path fresh = Files.createDirectories(store.maildir("alice").resolve("new"));
        Path f = Files.writeString(fresh.resolve("1700000001.postfix.host"), "a\nb\n");
        try (Mailbox box = store.open("alice", false)) {
            assertThat(box.messages().get(0).size()).isEqualTo(6);
        }
        Files.writeString(f, "a\nb\nc\n");
        try (Mailbox box = store.open("alice", false)) {
            assertThat(box.messages().get(0).size()).isEqualTo(9);
        }
    }
}
