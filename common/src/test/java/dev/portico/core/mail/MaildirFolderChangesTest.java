package dev.portico.core.mail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static dev.portico.core.mail.MaildirFoldersTest.msg;
import static org.assertj.core.api.Assertions.assertThat;

/** Views of one folder hearing of each other, of deliveries, POP3, other programs and other processes. */
class MaildirFolderChangesTest {

    @TempDir Path dir;

    @Test
    void twoViewsSeeEachOthersChangesThroughWatchAndRefresh() throws Exception {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice"), msg("Subject: one\r\n\r\n1\r\n"));
        store.deliver(List.of("alice"), msg("Subject: two\r\n\r\n2\r\n"));
        MailFolders folders = store.folders("alice");
        Semaphore woken = new Semaphore(0);
        try (Folder a = folders.open("INBOX", false); Folder b = folders.open("INBOX", false);
             AutoCloseable watch = b.watch(woken::release)) {
            a.store(List.of(1L), +1, Set.of(Folder.SEEN, Folder.DELETED), -1);
            assertThat(woken.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
            Folder.Changes c = b.refresh();
            assertThat(c.changed()).extracting(Folder.Message::uid).containsExactly(1L);
            assertThat(c.changed().get(0).flags()).containsExactlyInAnyOrder(Folder.SEEN, Folder.DELETED);
            assertThat(b.highestModSeq()).isEqualTo(a.highestModSeq());
            assertThat(a.refresh().isEmpty()).isTrue();     // its own change is not told twice

            woken.drainPermits();
            assertThat(a.expunge(null)).containsExactly(1L);
            assertThat(woken.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
            c = b.refresh();
            assertThat(c.expunged()).containsExactly(1L);
            assertThat(b.messages()).extracting(Folder.Message::uid).containsExactly(2L);

            woken.drainPermits();
            store.deliver(List.of("alice"), msg("Subject: three\r\n\r\n3\r\n"));      // SMTP
            assertThat(woken.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
            c = b.refresh();
            assertThat(c.added()).extracting(Folder.Message::uid).containsExactly(3L);
            assertThat(a.refresh().added()).extracting(Folder.Message::uid).containsExactly(3L);

            woken.drainPermits();
            folders.append("INBOX", msg("Subject: four\r\n\r\n"), Set.of(), null);
            assertThat(woken.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
            assertThat(b.refresh().added()).extracting(Folder.Message::uid).containsExactly(4L);
        }
    }

    @Test
    void pop3DeletesAndReadsShowUpInImapViews() throws Exception {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice"), msg("Subject: one\r\n\r\n1\r\n"));
        store.deliver(List.of("alice"), msg("Subject: two\r\n\r\n2\r\n"));
        Semaphore woken = new Semaphore(0);
        try (Folder inbox = store.folders("alice").open("INBOX", true); AutoCloseable w = inbox.watch(woken::release)) {
            Folder.Message first = inbox.messages().get(0), second = inbox.messages().get(1);
            try (Mailbox pop = store.open("alice", true)) {
                pop.markSeen(List.of(second.name()));               // RETR
                pop.delete(List.of(first.name()));                   // DELE, QUIT
            }
            assertThat(woken.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
            Folder.Changes c = inbox.refresh();
            assertThat(c.expunged()).containsExactly(first.uid());
            assertThat(c.changed()).extracting(Folder.Message::uid).containsExactly(second.uid());
            assertThat(c.changed().get(0).flags()).containsExactly(Folder.SEEN);
            assertThat(inbox.messages()).extracting(Folder.Message::name).containsExactly(second.name());
            assertThat(MaildirFoldersTest.read(inbox, second.uid())).contains("two");
        }
    }

    @Test
    void anotherProgramsDeliveryWakesAWatcherThroughThePeriodicScan() throws Exception {
        MaildirMailStore store = new MaildirMailStore(dir, Duration.ofMillis(20));
        Semaphore woken = new Semaphore(0);
        MailFolders folders = store.folders("alice");
        // directory times well in the past: within two seconds of a change a directory is always
        // listed again (a coarse clock may hide a second change), which would wake watchers anyway
        FileTime past = FileTime.from(Instant.now().minusSeconds(3600));
        for (String sub : List.of("new", "cur")) Files.setLastModifiedTime(store.maildir("alice").resolve(sub), past);
        try (Folder inbox = folders.open("INBOX", false); AutoCloseable w = inbox.watch(woken::release)) {
            assertThat(woken.tryAcquire(200, TimeUnit.MILLISECONDS)).as("no change, no wake").isFalse();
            Path tmp = store.maildir("alice").resolve("tmp/1700000001.P9Q9.elsewhere");
            Files.writeString(tmp, "Subject: procmail\n\nhi\n");
            Files.move(tmp, store.maildir("alice").resolve("new/1700000001.P9Q9.elsewhere"), StandardCopyOption.ATOMIC_MOVE);
            assertThat(woken.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
            Folder.Changes c = inbox.refresh();
            assertThat(c.added()).singleElement().satisfies(m -> {
                assertThat(m.name()).isEqualTo("1700000001.P9Q9.elsewhere");
                assertThat(m.size()).isEqualTo("Subject: procmail\r\n\r\nhi\r\n".length());
            });
        }
    }

    @Test
    void tenThousandMessagesAreListedWithoutReadingTheirFiles() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        Path cur = store.maildir("alice").resolve("cur");
        Files.createDirectories(cur);
        Files.createDirectories(store.maildir("alice").resolve("new"));
        Files.createDirectories(store.maildir("alice").resolve("tmp"));
        String crlf = "Subject: x\r\n\r\nbody\r\n", lf = "Subject: x\n\nbody\n";
        for (int i = 0; i < 10_000; i++) {
            // every fifth written by an LF tool without ,W=: its size is counted once, then kept in the index
            String name = (1_700_000_000 + i) + ".M1P1Q" + i + ".host";
            if (i % 5 == 0) Files.writeString(cur.resolve(name + ":2,S"), lf);
            else Files.writeString(cur.resolve(name + ",S=" + crlf.length() + ",W=" + crlf.length() + ":2,S"), crlf);
        }
        try (Folder inbox = store.folders("alice").open("INBOX", true)) {
            assertThat(inbox.messages()).hasSize(10_000);
            assertThat(inbox.messages()).allSatisfy(m -> assertThat(m.size()).isEqualTo(crlf.length()));
            assertThat(store.sizeReads.get()).isEqualTo(2_000);
            assertThat(inbox.messages().get(9_999).uid()).isEqualTo(10_000);
            assertThat(inbox.refresh().isEmpty()).isTrue();
        }
        MaildirMailStore restarted = new MaildirMailStore(dir);
        try (Folder inbox = restarted.folders("alice").open("INBOX", true)) {
            assertThat(inbox.messages()).hasSize(10_000);
            assertThat(inbox.messages()).allSatisfy(m -> assertThat(m.size()).isEqualTo(crlf.length()));
            assertThat(restarted.folders("alice").status("INBOX").size()).isEqualTo(10_000L * crlf.length());
        }
        assertThat(restarted.sizeReads.get()).isZero();
    }

    @Test
    void appendsCommittedTogetherEachGetTheUidOfTheirOwnMessage() throws Exception {
        MaildirMailStore store = new MaildirMailStore(dir);
        MailFolders folders = store.folders("alice");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<long[]>>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int n = t;
                jobs.add(pool.submit(() -> {
                    List<long[]> got = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        long uid = folders.append("INBOX", msg("Subject: a" + n + "-" + i + "\r\n\r\n"),
                                i % 2 == 0 ? Set.of(Folder.SEEN) : Set.of(), null)[1];
                        got.add(new long[]{n, i, uid});
                    }
                    return got;
                }));
            }
            List<long[]> appended = new ArrayList<>();
            for (Future<List<long[]>> f : jobs) appended.addAll(f.get(60, TimeUnit.SECONDS));
            try (Folder inbox = folders.open("INBOX", true)) {
                Set<Long> uids = new HashSet<>();
                for (long[] g : appended) {
                    assertThat(uids.add(g[2])).isTrue();
                    try (var in = inbox.content(g[2])) {
                        assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII))
                                .startsWith("Subject: a" + g[0] + "-" + g[1] + "\r\n");
                    }
                    Folder.Message m = inbox.messages().get(MaildirFolder.indexOf(inbox.messages(), g[2]));
                    assertThat(m.flags().contains(Folder.SEEN)).isEqualTo(g[1] % 2 == 0);
                }
                assertThat(inbox.messages()).hasSize(160);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(dir.resolve("alice/Maildir/dovecot-uidlist.lock")).doesNotExist();
    }

    @Test
    void concurrentDeliveriesAppendsAndTwoProcessesNeverShareAUid() throws Exception {
        MaildirMailStore one = new MaildirMailStore(dir), other = new MaildirMailStore(dir);   // two processes, one data folder
        one.folders("alice");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Folder view = one.folders("alice").open("INBOX", true)) {
            List<Future<List<Long>>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int n = t;
                jobs.add(pool.submit(() -> {
                    List<Long> uids = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        MaildirMailStore s = n % 2 == 0 ? one : other;
                        if (n < 2) s.deliver(List.of("alice"), msg("Subject: d" + n + "-" + i + "\r\n\r\n"));
                        else uids.add(s.folders("alice").append("INBOX", msg("Subject: a" + n + "-" + i + "\r\n\r\n"), Set.of(), null)[1]);
                    }
                    return uids;
                }));
            }
            Set<Long> seenUids = new HashSet<>();
            long last = 0;
            for (int i = 0; i < 200 && !jobs.stream().allMatch(Future::isDone); i++) {
                Folder.Changes c = view.refresh();
                for (Folder.Message m : c.added()) {
                    assertThat(m.uid()).isGreaterThan(last);
                    last = m.uid();
                    assertThat(seenUids.add(m.uid())).isTrue();
                }
                Thread.sleep(5);
            }
            Set<Long> appended = new HashSet<>();
            for (Future<List<Long>> f : jobs) appended.addAll(f.get(60, TimeUnit.SECONDS));
            assertThat(appended).hasSize(50);
            view.refresh();
            assertThat(view.messages()).hasSize(100);
            assertThat(view.messages()).extracting(Folder.Message::uid).doesNotHaveDuplicates().isSorted();
            assertThat(view.messages().stream().map(Folder.Message::uid).toList()).containsAll(appended);
            try (Folder fromOther = other.folders("alice").open("INBOX", true)) {
                assertThat(fromOther.messages()).isEqualTo(view.messages());
                assertThat(fromOther.uidValidity()).isEqualTo(view.uidValidity());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(dir.resolve("alice/Maildir/dovecot-uidlist.lock")).doesNotExist();
    }

    @Test
    void aDeletedFolderLooksEmptiedToItsViewsAndAStaleLockIsTakenOver() throws Exception {
        MaildirMailStore store = new MaildirMailStore(dir);
        MailFolders folders = store.folders("alice");
        folders.create("Projects");
        folders.append("Projects", msg("Subject: p\r\n\r\n"), Set.of(), null);
        Semaphore woken = new Semaphore(0);
        try (Folder view = folders.open("Projects", false); AutoCloseable w = view.watch(woken::release)) {
            folders.delete("Projects");
            assertThat(woken.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
            assertThat(view.refresh().expunged()).containsExactly(1L);
            assertThat(view.messages()).isEmpty();
        }
        // a lock left by a process that died two minutes ago (Dovecot's stale time) does not block
        Path lock = store.maildir("alice").resolve(".Sent/dovecot-uidlist.lock");
        Files.writeString(lock, "");
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(180)));
        assertThat(folders.append("Sent", msg("Subject: s\r\n\r\n"), Set.of(Folder.SEEN), null)[1]).isEqualTo(1);
        assertThat(lock).doesNotExist();
    }
}
