package dev.portico.core.mail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaildirFoldersTest {

    @TempDir Path dir;

    static InputStream msg(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    static String read(Folder f, long uid) throws IOException {
        try (InputStream in = f.content(uid)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void everyUserHasInboxAndTheSpecialUseFoldersSubscribed() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        MailFolders f = store.folders("alice");
        assertThat(f.list()).extracting(MailFolders.FolderInfo::name)
                .containsExactly("INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash");
        assertThat(f.list()).filteredOn(i -> i.name().equals("Sent")).extracting(MailFolders.FolderInfo::specialUse)
                .containsExactly(MailFolders.SpecialUse.SENT);
        assertThat(f.subscriptions()).containsExactlyInAnyOrder("Archive", "Drafts", "Junk", "Sent", "Trash");
        Path maildir = store.maildir("alice");
        assertThat(maildir.resolve(".Sent/cur")).isDirectory();
        assertThat(maildir.resolve(".Sent/maildirfolder")).exists();
        // Dovecot's subscription file, version 2
        assertThat(Files.readString(maildir.resolve("subscriptions"))).startsWith("V\t2\n\n").contains("Sent\n");
    }

    @Test
    void newFilesGetUidsInArrivalOrderThoughTheirNumbersAreNotZeroPadded() {
        List<String> names = new java.util.ArrayList<>(List.of("1733.M100000P7Q10.h", "1733.M99000P7Q9.h",
                "1732.M999000P7Q8.h", "1733.M100000P7Q11.h", "1733.M0P7Q1.h,S=5:2,S"));
        names.sort(FolderIndex::arrivalOrder);
        assertThat(names).containsExactly("1732.M999000P7Q8.h", "1733.M0P7Q1.h,S=5:2,S", "1733.M99000P7Q9.h",
                "1733.M100000P7Q10.h", "1733.M100000P7Q11.h");
        assertThat(FolderIndex.arrivalOrder("1733.M5P7Q1.h", "1733.M5P7Q1.h")).isZero();
    }

    @Test
    void deliveredMailGetsStableUidsAcrossARestartAndPop3SeesTheSameNames() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice"), msg("Subject: one\r\n\r\n1\r\n"));
        store.deliver(List.of("alice"), msg("Subject: two\r\n\r\n2\r\n"));
        List<Folder.Message> first;
        long validity;
        try (Folder inbox = store.folders("alice").open("inbox", false)) {
            first = inbox.messages();
            validity = inbox.uidValidity();
            assertThat(first).extracting(Folder.Message::uid).containsExactly(1L, 2L);
            assertThat(inbox.uidNext()).isEqualTo(3);
            assertThat(read(inbox, 2)).isEqualTo("Subject: two\r\n\r\n2\r\n");
            assertThat(first.get(0).size()).isEqualTo("Subject: one\r\n\r\n1\r\n".length());
        }
        try (Mailbox pop = store.open("alice", true)) {
            assertThat(pop.messages()).extracting(MessageInfo::uid)
                    .containsExactlyInAnyOrderElementsOf(first.stream().map(Folder.Message::name).toList());
        }
        MaildirMailStore restarted = new MaildirMailStore(dir);
        restarted.deliver(List.of("alice"), msg("Subject: three\r\n\r\n3\r\n"));
        try (Folder inbox = restarted.folders("alice").open("INBOX", false)) {
            assertThat(inbox.uidValidity()).isEqualTo(validity);
            assertThat(inbox.messages()).extracting(Folder.Message::uid).containsExactly(1L, 2L, 3L);
            assertThat(inbox.messages().subList(0, 2)).extracting(Folder.Message::name)
                    .containsExactlyElementsOf(first.stream().map(Folder.Message::name).toList());
        }
        // the third message was appended to the list, not the list rewritten (as Dovecot does);
        // a reader takes the highest UID over the header's N
        String list = Files.readString(store.maildir("alice").resolve("dovecot-uidlist"));
        assertThat(list).startsWith("3 V" + validity + " N3 ").contains("\n3 M");
        assertThat(list.lines()).hasSize(4);
        try (Folder inbox = new MaildirMailStore(dir).folders("alice").open("INBOX", true)) {
            assertThat(inbox.uidNext()).isEqualTo(4);
        }
    }

    @Test
    void aBareLfFileDroppedIntoNewGetsTheNextUidAndItsCrLfSize() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice"), msg("Subject: one\r\n\r\n1\r\n"));
        try (Folder inbox = store.folders("alice").open("INBOX", false)) {
            String lf = "Subject: from procmail\n\nline one\nline two";      // no line end at the end either
            Files.writeString(store.maildir("alice").resolve("new/1700000000.P1Q1.otherhost"), lf);
            Folder.Changes c = inbox.refresh();
            assertThat(c.added()).hasSize(1);
            Folder.Message m = c.added().get(0);
            assertThat(m.uid()).isEqualTo(2);
            String sent = read(inbox, 2);
            assertThat(sent).isEqualTo("Subject: from procmail\r\n\r\nline one\r\nline two\r\n");
            assertThat(m.size()).isEqualTo(sent.length());
            assertThat(m.internalDate()).isEqualTo(Files.getLastModifiedTime(store.maildir("alice").resolve("new/1700000000.P1Q1.otherhost"))
                    .toInstant().with(java.time.temporal.ChronoField.NANO_OF_SECOND, 0));
        }
        try (Mailbox pop = store.open("alice", true)) {
            MessageInfo lf = pop.messages().stream().filter(i -> i.uid().equals("1700000000.P1Q1.otherhost")).findFirst().orElseThrow();
            assertThat(lf.size()).isEqualTo("Subject: from procmail\r\n\r\nline one\r\nline two\r\n".length());
        }
    }

    @Test
    void contentTurnsEveryBareLfIntoCrLfAcrossBufferBoundaries() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5000; i++) b.append(i % 3 == 0 ? "x\r\n" : i % 3 == 1 ? "yy\n" : "\r");
        byte[] raw = b.toString().getBytes(StandardCharsets.ISO_8859_1);
        MaildirMailStore.CrLfSize size = new MaildirMailStore.CrLfSize();
        size.add(raw, raw.length);
        for (int chunk : new int[]{1, 2, 3, 7, 4096}) {
            try (InputStream in = new CrLfInputStream(new ByteArrayInputStream(raw))) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                byte[] buf = new byte[chunk];
                for (int n; (n = in.read(buf, 0, chunk)) >= 0; ) out.write(buf, 0, n);
                String s = out.toString(StandardCharsets.ISO_8859_1);
                assertThat(s).doesNotContain("y\ny").doesNotContainPattern("[^\r]\n");
                assertThat((long) s.length()).isEqualTo(size.total());
            }
        }
    }

    @Test
    void flagsLiveInFileNamesAndKeywordsInTheKeywordsFile() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice"), msg("Subject: one\r\n\r\n1\r\n"));
        MailFolders folders = store.folders("alice");
        try (Folder inbox = folders.open("INBOX", false)) {
            long before = inbox.highestModSeq();
            assertThat(inbox.store(List.of(1L), +1, Set.of(Folder.SEEN, Folder.FLAGGED, "$Forwarded", "Work"), -1)).isEmpty();
            Folder.Message m = inbox.messages().get(0);
            assertThat(m.flags()).containsExactlyInAnyOrder(Folder.SEEN, Folder.FLAGGED, "$Forwarded", "Work");
            assertThat(m.modSeq()).isGreaterThan(before);
            assertThat(inbox.highestModSeq()).isEqualTo(m.modSeq());
            try (Stream<Path> s = Files.list(store.maildir("alice").resolve("cur"))) {
                assertThat(s.map(p -> p.getFileName().toString()).toList()).singleElement()
                        .satisfies(n -> assertThat(n).endsWith(":2,FSab"));
            }
            assertThat(Files.readString(store.maildir("alice").resolve("dovecot-keywords"))).isIn("0 $Forwarded\n1 Work\n", "0 Work\n1 $Forwarded\n");
            // removing one keyword, then replacing all
            inbox.store(List.of(1L), -1, Set.of("work"), -1);
            assertThat(inbox.messages().get(0).flags()).containsExactlyInAnyOrder(Folder.SEEN, Folder.FLAGGED, "$Forwarded");
            inbox.store(List.of(1L), 0, Set.of(Folder.ANSWERED), -1);
            assertThat(inbox.messages().get(0).flags()).containsExactly(Folder.ANSWERED);
            // a store that changes nothing gives no new mod-sequence
            long ms = inbox.messages().get(0).modSeq();
            inbox.store(List.of(1L), +1, Set.of(Folder.ANSWERED), -1);
            assertThat(inbox.messages().get(0).modSeq()).isEqualTo(ms);
            // CONDSTORE: a message changed since the given modseq is left alone
            assertThat(inbox.store(List.of(1L), +1, Set.of(Folder.SEEN), ms - 1)).containsExactly(1L);
            assertThat(inbox.messages().get(0).flags()).containsExactly(Folder.ANSWERED);
            assertThat(inbox.knownFlags()).contains(Folder.SEEN, "$Forwarded");
        }
        // mod-sequences and flags survive a restart
        MaildirMailStore restarted = new MaildirMailStore(dir);
        try (Folder inbox = restarted.folders("alice").open("INBOX", true)) {
            Folder.Message m = inbox.messages().get(0);
            assertThat(m.flags()).containsExactly(Folder.ANSWERED);
            Folder.Status st = restarted.folders("alice").status("INBOX");
            assertThat(st.highestModSeq()).isEqualTo(inbox.highestModSeq()).isGreaterThanOrEqualTo(m.modSeq());
            assertThat(st.unseen()).isEqualTo(1);
            assertThatThrownBy(() -> inbox.store(List.of(1L), +1, Set.of(Folder.SEEN), -1)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aFlagChangedByAnotherProgramGetsANewModSeq() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice"), msg("Subject: one\r\n\r\n1\r\n"));
        try (Folder inbox = store.folders("alice").open("INBOX", false)) {
            Folder.Message m = inbox.messages().get(0);
            Path file;
            try (Stream<Path> s = Files.list(store.maildir("alice").resolve("new"))) {
                file = s.findFirst().orElseThrow();
            }
            Files.move(file, store.maildir("alice").resolve("cur").resolve(file.getFileName() + ":2,S"));  // what mutt does
            Folder.Changes c = inbox.refresh();
            assertThat(c.changed()).singleElement().satisfies(x -> {
                assertThat(x.flags()).containsExactly(Folder.SEEN);
                assertThat(x.modSeq()).isGreaterThan(m.modSeq());
            });
            assertThat(read(inbox, 1)).startsWith("Subject: one");
        }
    }

    @Test
    void appendCopyMoveAndExpunge() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        MailFolders folders = store.folders("alice");
        Instant date = Instant.parse("2024-05-01T10:00:00Z");
        long[] a = folders.append("Drafts", msg("Subject: draft\r\n\r\nx\r\n"), Set.of(Folder.DRAFT, Folder.SEEN), date);
        long[] b = folders.append("Drafts", msg("Subject: second\r\n\r\ny\r\n"), Set.of(), null);
        assertThat(a[1]).isEqualTo(1);
        assertThat(b[1]).isEqualTo(2);
        assertThat(a[0]).isEqualTo(b[0]);
        try (Folder drafts = folders.open("Drafts", false)) {
            assertThat(drafts.uidValidity()).isEqualTo(a[0]);
            Folder.Message m = drafts.messages().get(0);
            assertThat(m.internalDate()).isEqualTo(date);
            assertThat(m.flags()).containsExactlyInAnyOrder(Folder.DRAFT, Folder.SEEN);
            assertThat(read(drafts, 1)).isEqualTo("Subject: draft\r\n\r\nx\r\n");

            assertThat(drafts.copy(List.of(1L, 2L), "Archive")).containsExactly(1L, 2L);
            assertThat(drafts.move(List.of(2L), "Trash")).containsExactly(1L);
            assertThat(drafts.messages()).extracting(Folder.Message::uid).containsExactly(1L);
            assertThat(drafts.refresh().isEmpty()).isTrue();

            drafts.store(List.of(1L), +1, Set.of(Folder.DELETED), -1);
            assertThat(drafts.expunge(List.of(2L, 3L))).isEmpty();
            assertThat(drafts.expunge(null)).containsExactly(1L);
            assertThat(drafts.messages()).isEmpty();
            assertThatThrownBy(() -> drafts.content(1)).isInstanceOf(NoSuchFileException.class);
            assertThatThrownBy(() -> drafts.copy(List.of(1L), "Nowhere")).isInstanceOf(NoSuchFileException.class);
        }
        try (Folder archive = folders.open("Archive", true); Folder trash = folders.open("Trash", true)) {
            assertThat(archive.messages()).extracting(Folder.Message::flags)
                    .containsExactly(Set.of(Folder.DRAFT, Folder.SEEN), Set.of());
            assertThat(archive.messages().get(0).internalDate()).isEqualTo(date);
            assertThat(read(archive, 1)).isEqualTo("Subject: draft\r\n\r\nx\r\n");
            assertThat(read(trash, 1)).isEqualTo("Subject: second\r\n\r\ny\r\n");
        }
        Folder.Status st = folders.status("Archive");
        assertThat(st.messages()).isEqualTo(2);
        assertThat(st.uidNext()).isEqualTo(3);
        assertThat(st.unseen()).isEqualTo(1);
        assertThat(st.size()).isEqualTo("Subject: draft\r\n\r\nx\r\n".length() + "Subject: second\r\n\r\ny\r\n".length());
    }

    @Test
    void createDeleteRenameAndHierarchy() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        MailFolders folders = store.folders("alice");
        folders.create("Work/2026/Q1");
        assertThat(store.maildir("alice").resolve(".Work.2026.Q1/new")).isDirectory();
        assertThat(store.maildir("alice").resolve(".Work.2026")).isDirectory();
        assertThatThrownBy(() -> folders.create("Work")).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> folders.create("inbox")).isInstanceOf(FileAlreadyExistsException.class);
        folders.create("Entwürfe & Co/");
        assertThat(store.maildir("alice").resolve(".Entw&APw-rfe &- Co")).isDirectory();
        folders.subscribe("Work/2026", true);
        folders.append("Work/2026", msg("Subject: w\r\n\r\n"), Set.of(), null);
        long validity = folders.status("Work/2026").uidValidity();

        folders.rename("Work", "Job");
        assertThat(folders.list()).extracting(MailFolders.FolderInfo::name)
                .contains("Job", "Job/2026", "Job/2026/Q1", "Entwürfe & Co").doesNotContain("Work", "Work/2026");
        assertThat(folders.list()).filteredOn(i -> i.name().equals("Job")).extracting(MailFolders.FolderInfo::hasChildren).containsExactly(true);
        assertThat(folders.status("Job/2026").uidValidity()).isEqualTo(validity);
        assertThat(folders.subscriptions()).contains("Job/2026").doesNotContain("Work/2026");

        folders.delete("Job/2026/Q1");
        assertThat(folders.list()).extracting(MailFolders.FolderInfo::name).doesNotContain("Job/2026/Q1");
        assertThatThrownBy(() -> folders.delete("INBOX")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> folders.delete("Nope")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> folders.open("Nope", false)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> folders.rename("Job", "Sent")).isInstanceOf(FileAlreadyExistsException.class);
        // made again under the same name, a folder has a new UIDVALIDITY
        folders.create("Job/2026/Q1");
        try (Stream<Path> s = Files.list(store.maildir("alice"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("..deleted"));
        }
    }

    @Test
    void renamingInboxMovesItsMessagesAndLeavesItEmpty() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        store.deliver(List.of("alice"), msg("Subject: one\r\n\r\n1\r\n"));
        store.deliver(List.of("alice"), msg("Subject: two\r\n\r\n2\r\n"));
        MailFolders folders = store.folders("alice");
        try (Folder inbox = folders.open("INBOX", false)) {
            inbox.store(List.of(1L), +1, Set.of(Folder.SEEN), -1);
            folders.rename("INBOX", "Old/Inbox");
            assertThat(inbox.refresh().expunged()).containsExactly(1L, 2L);
            assertThat(inbox.messages()).isEmpty();
        }
        try (Folder old = folders.open("Old/Inbox", false)) {
            assertThat(old.messages()).hasSize(2);
            assertThat(old.messages().get(0).flags()).containsExactly(Folder.SEEN);
            assertThat(read(old, old.messages().get(1).uid())).contains("two");
        }
        assertThat(folders.status("INBOX").messages()).isZero();
        assertThat(folders.list()).extracting(MailFolders.FolderInfo::name).contains("INBOX", "Old", "Old/Inbox");
    }

    @Test
    void folderNameAttacksAreRefused() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        MailFolders folders = store.folders("alice");
        for (String bad : List.of("", "..", ".", "../bob", "a/../../bob", "/etc", "a//b", "a/./b", "Work.2026", ".hidden",
                "a\u0000b", "a\nb", "a\rb", "tab\tname", "del\u007f", "c1\u0085", "*", "a%", "~root", "x/~y", "\uD800", "a\uDC00b",
                "x".repeat(300))) {
            assertThatThrownBy(() -> folders.create(bad)).as(bad).isInstanceOf(FolderNameException.class);
            assertThatThrownBy(() -> folders.open(bad, true)).as(bad).isInstanceOf(FolderNameException.class);
            assertThatThrownBy(() -> folders.rename("Sent", bad)).as(bad).isInstanceOf(FolderNameException.class);
            assertThatThrownBy(() -> folders.subscribe(bad, true)).as(bad).isInstanceOf(FolderNameException.class);
        }
        // what a tool left on disk that is no folder name is not listed
        Files.createDirectories(store.maildir("alice").resolve("..DOVECOT-TRASHED"));
        Files.createDirectories(store.maildir("alice").resolve(".a..b"));
        Files.createDirectories(store.maildir("alice").resolve(".INBOX"));
        Files.createSymbolicLink(store.maildir("alice").resolve(".Link"), dir);
        assertThat(folders.list()).extracting(MailFolders.FolderInfo::name).containsExactly("INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash");
        assertThatThrownBy(() -> folders.open("Link", true)).isInstanceOf(NoSuchFileException.class);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("alice");
        }
    }

    @Test
    void readsTheUidListDovecotWrote() throws IOException {
        MaildirMailStore store = new MaildirMailStore(dir);
        Path m = store.maildir("alice");
        for (String sub : List.of("tmp", "new", "cur")) Files.createDirectories(m.resolve(sub));
        Files.writeString(m.resolve("cur/1600000000.M1P1.mx,S=17,W=20:2,RS"), "Subject: a\n\nbody\n");
        Files.writeString(m.resolve("cur/1600000001.M2P1.mx:2,"), "Subject: b\n\nx\n");
        Files.writeString(m.resolve("new/1600000002.M3P1.mx"), "Subject: c\r\n\r\n");
        // as Dovecot 2.3 leaves it: sizes in the name or as W, no Portico fields, a gap left by an expunge
        Files.writeString(m.resolve("dovecot-uidlist"), "3 V1234567 N9 G0123456789abcdef0123456789abcdef\n"
                + "2 :1600000000.M1P1.mx,S=17,W=20:2,RS\n"
                + "5 W17 :1600000001.M2P1.mx:2,\n");
        Files.writeString(m.resolve("dovecot-keywords"), "0 Important\n");
        try (Folder inbox = store.folders("alice").open("INBOX", false)) {
            assertThat(inbox.uidValidity()).isEqualTo(1234567);
            assertThat(inbox.messages()).extracting(Folder.Message::uid).containsExactly(2L, 5L, 9L);
            assertThat(inbox.messages()).extracting(Folder.Message::size).containsExactly(20L, 17L, 14L);
            assertThat(inbox.messages().get(0).flags()).containsExactlyInAnyOrder(Folder.ANSWERED, Folder.SEEN);
            assertThat(inbox.uidNext()).isEqualTo(10);
            inbox.store(List.of(5L), +1, Set.of("Important"), -1);
            assertThat(Files.exists(m.resolve("cur/1600000001.M2P1.mx:2,a"))).isTrue();
        }
        String list = Files.readString(m.resolve("dovecot-uidlist"));
        assertThat(list).startsWith("3 V1234567 N10 G0123456789abcdef0123456789abcdef ");
        assertThat(list).contains("\n5 ").contains(" W17 :1600000001.M2P1.mx:2,a\n").contains(" :1600000002.M3P1.mx\n");
    }
}
