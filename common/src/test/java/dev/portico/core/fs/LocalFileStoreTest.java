package dev.portico.core.fs;

import dev.portico.core.auth.Permission;
import dev.portico.core.auth.User;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class LocalFileStoreTest {

    @TempDir Path tmp;

    private VirtualPath v(String s) {
        return VirtualPath.ROOT.resolve(s);
    }

    @Test
    void virtualPathsNeverClimbAboveTheRoot() {
        assertThat(v("../../etc/passwd")).hasToString("/etc/passwd");
        assertThat(v("a/./b/../c")).hasToString("/a/c");
        assertThat(v("\\..\\..\\x")).hasToString("/x");
        assertThat(v("/a/b").resolve("..")).hasToString("/a");
        assertThat(v("/a").resolve("/z")).hasToString("/z");
        assertThat(v("/").parent()).isEqualTo(VirtualPath.ROOT);
        assertThatThrownBy(() -> v("a\0b")).isInstanceOf(InvalidPathException.class);
    }

    @Test
    void aHomeIsRootedAtItsRealPathWhenAFolderALinkOrBothInTurn() throws IOException {
        // the data folder itself reached through a link, as /srv/portico -> /data/portico would be
        Path realHomes = Files.createDirectories(tmp.resolve("real/files")).toRealPath();
        Path homes = Files.createSymbolicLink(tmp.resolve("data"), tmp.resolve("real")).resolve("files");
        LocalFileStores stores = new LocalFileStores(homes);
        User alice = new User("alice", Set.of(Permission.READ, Permission.WRITE));

        // the first login makes the home; later ones find it by the short way, at the same real root
        assertThat(root(stores.home(alice))).isEqualTo(realHomes.resolve("alice"));
        assertThat(Files.isDirectory(realHomes.resolve("alice"))).isTrue();
        assertThat(root(stores.home(alice))).isEqualTo(realHomes.resolve("alice"));

        // a home that is a link is rooted where it leads
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere/bob")).toRealPath();
        Files.createSymbolicLink(realHomes.resolve("bob"), elsewhere);
        assertThat(root(stores.home(new User("bob", Set.of(Permission.READ))))).isEqualTo(elsewhere);

        // a folder home replaced by a link between two logins: the next login follows the link, nothing remembered
        Path moved = Files.createDirectories(tmp.resolve("moved/alice")).toRealPath();
        Files.delete(realHomes.resolve("alice"));
        Files.createSymbolicLink(realHomes.resolve("alice"), moved);
        FileStore after = stores.home(alice);
        assertThat(root(after)).isEqualTo(moved);
        Files.writeString(moved.resolve("note.txt"), "here");
        assertThat(after.stat(v("note.txt")).size()).isEqualTo(4);
    }

    private static Path root(FileStore store) {
        return ((LocalFileStore) store).root();
    }

    @Test
    void aRootEndingLikeItsSiblingCannotReachIt() throws IOException {
        Files.createDirectories(tmp.resolve("alice"));
        Files.writeString(tmp.resolve("alice-secrets.txt"), "no");
        LocalFileStore store = new LocalFileStore(tmp.resolve("al"), true);
        assertThatThrownBy(() -> store.stat(v("../alice-secrets.txt"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void symbolicLinksLeadingOutAreRefused() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        LocalFileStore store = new LocalFileStore(tmp.resolve("home"), true);
        Files.createSymbolicLink(store.root().resolve("out"), outside);
        Files.createSymbolicLink(store.root().resolve("file"), outside.resolve("secret"));
        Files.createSymbolicLink(store.root().resolve("dangling"), tmp.resolve("nothing"));
        assertThatThrownBy(() -> store.openRead(v("out/secret"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store.openRead(v("file"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store.openWrite(v("out/new"), false, 0)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store.openWrite(v("dangling"), false, 0)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store.list(v("out"))).isInstanceOf(AccessDeniedException.class);
        assertThat(store.list(VirtualPath.ROOT)).isEmpty();
        assertThat(Files.exists(outside.resolve("new"))).isFalse();
    }

    /**
     * A listing shows a link that stays inside the root with what it points at, and leaves out one
     * leading out; {@link LocalFileStore#entries} streams what {@link LocalFileStore#list} sorts.
     */
    @Test
    void listingsShowLinksInsideTheRootAsTheirTargetsAndHideLinksLeadingOut() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        LocalFileStore store = new LocalFileStore(tmp.resolve("home"), true);
        Files.createDirectories(store.root().resolve("dir"));
        Files.writeString(store.root().resolve("dir/a.txt"), "abc");
        Files.createSymbolicLink(store.root().resolve("to-dir"), store.root().resolve("dir"));
        Files.createSymbolicLink(store.root().resolve("to-a"), Path.of("dir/a.txt"));
        Files.createSymbolicLink(store.root().resolve("out"), outside);
        Files.createSymbolicLink(store.root().resolve("dangling"), tmp.resolve("nothing"));

        List<FileEntry> listed = store.list(VirtualPath.ROOT);
        assertThat(listed).extracting(FileEntry::name).containsExactly("dir", "to-a", "to-dir");
        assertThat(listed.get(1).directory()).isFalse();
        assertThat(listed.get(1).size()).isEqualTo(3);
        assertThat(listed.get(2).directory()).isTrue();
        try (Stream<FileEntry> s = store.entries(VirtualPath.ROOT)) {
            assertThat(s.toList()).containsExactlyInAnyOrderElementsOf(listed);
        }
        assertThatThrownBy(() -> store.entries(v("out"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store.entries(v("dir/a.txt"))).isInstanceOf(NotDirectoryException.class);
    }

    @Test
    void writesResumeAtAnOffsetAndAppend() throws IOException {
        LocalFileStore store = new LocalFileStore(tmp.resolve("home"), true);
        write(store.openWrite(v("f"), false, 0), "hello world");
        write(store.openWrite(v("f"), false, 5), "!!");
        assertThat(Files.readString(store.root().resolve("f"))).isEqualTo("hello!!");
        write(store.openWrite(v("f"), true, 0), "?");
        assertThat(Files.readString(store.root().resolve("f"))).isEqualTo("hello!!?");
        assertThat(store.stat(v("f")).size()).isEqualTo(8);
    }

    @Test
    void readOnlyStoresRefuseEveryChange() throws IOException {
        Files.createDirectories(tmp.resolve("home"));
        Files.writeString(tmp.resolve("home/f"), "x");
        LocalFileStore store = new LocalFileStore(tmp.resolve("home"), false);
        assertThatThrownBy(() -> store.openWrite(v("g"), false, 0)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store.delete(v("f"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store.createDirectory(v("d"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store.rename(v("f"), v("g"))).isInstanceOf(AccessDeniedException.class);
        assertThat(store.stat(v("f")).writable()).isFalse();
    }

    @Test
    void directoriesRenamesAndUniqueNames() throws IOException {
        LocalFileStore store = new LocalFileStore(tmp.resolve("home"), true);
        store.createDirectory(v("d"));
        write(store.openWrite(v("d/a"), false, 0), "a");
        assertThatThrownBy(() -> store.delete(v("d"))).isInstanceOf(DirectoryNotEmptyException.class);
        store.rename(v("d/a"), v("b"));
        store.copy(v("b"), v("c"));
        store.delete(v("d"));
        VirtualPath u = store.createUnique(VirtualPath.ROOT, "up.");
        assertThat(store.list(VirtualPath.ROOT)).extracting(FileEntry::name)
                .containsExactlyInAnyOrder("b", "c", u.name());
        assertThatThrownBy(() -> store.delete(VirtualPath.ROOT)).isInstanceOf(AccessDeniedException.class);
    }

    /**
     * Issue 13, item 7: the JDK's errors name host paths, and the shell printed them
     * ({@code cat: /srv/.../files/alice/etc/passwd: no such file or directory}). Every error out of
     * the store names the virtual path, keeps its type, and holds nothing of the host folder.
     */
    @Test
    void errorsNameTheVirtualPathNeverTheHostPath() throws IOException {
        LocalFileStore store = new LocalFileStore(tmp.resolve("home"), true);
        store.createDirectory(v("d"));
        write(store.openWrite(v("d/a"), false, 0), "a");
        Files.createSymbolicLink(store.root().resolve("loop"), store.root().resolve("loop"));
        record Case(ThrowingCallable call, Class<? extends FileSystemException> type, String file) {}
        List<Case> cases = List.of(
                new Case(() -> store.openRead(v("etc/passwd")), NoSuchFileException.class, "/etc/passwd"),
                new Case(() -> store.stat(v("d/missing")), NoSuchFileException.class, "/d/missing"),
                new Case(() -> store.openWrite(v("no/such/dir/f"), false, 0), NoSuchFileException.class, "/no/such/dir/f"),
                new Case(() -> store.createDirectory(v("d")), FileAlreadyExistsException.class, "/d"),
                new Case(() -> store.createDirectory(v("x/y")), NoSuchFileException.class, "/x/y"),
                new Case(() -> store.delete(v("d")), DirectoryNotEmptyException.class, "/d"),
                new Case(() -> store.delete(v("d/gone")), NoSuchFileException.class, "/d/gone"),
                new Case(() -> store.copy(v("d/gone"), v("c")), NoSuchFileException.class, "/d/gone"),
                new Case(() -> store.setModified(v("d/gone"), Instant.EPOCH), NoSuchFileException.class, "/d/gone"),
                new Case(() -> store.openWrite(v("d/a/under-a-file"), false, 0), FileSystemException.class, "/d/a/under-a-file"),
                new Case(() -> store.openRead(v("loop")), FileSystemException.class, "/loop"));
        for (Case c : cases) {
            Throwable t = catchThrowable(c.call());
            assertThat(t).isInstanceOf(c.type());
            FileSystemException e = (FileSystemException) t;
            assertThat(e.getFile()).as(e.toString()).isEqualTo(c.file());
            assertThat(e.toString()).doesNotContain(tmp.toString()).doesNotContain(store.root().toString());
            assertThat(e.getOtherFile()).isNull();
            assertThat(e.getCause()).isNull();
        }
    }

    private static void write(FileChannel ch, String s) throws IOException {
        try (ch) {
            ch.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
