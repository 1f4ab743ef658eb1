package dev.portico.core.fs;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the path jail: a working directory and a path as a client types them, resolved by
 * {@link VirtualPath#resolve} and then by {@link LocalFileStore} in a home that holds symbolic
 * links leading out ({@code up -> ..}, {@code bob -> ../bob}, {@code etc -> /etc}), a dangling
 * one and a loop. Properties: the only exceptions are {@link InvalidPathException} (a NUL byte)
 * and {@link IOException} (refused, missing); a virtual path never holds an empty, {@code .} or
 * {@code ..} segment; every host path the store returns lies under the root, lexically and, for
 * the part that exists, after following links; what {@code stat}, {@code list} and
 * {@code openRead} accept is inside the root too.
 */
class FileStoreJailFuzzTest {

    private static final Jail JAIL = Jail.create();

    /** The fixture, made once per fuzzing JVM: a home with traps, and a neighbour's secret. */
    record Jail(Path root, LocalFileStore store) {
        static Jail create() {
            try {
                Path dir = Files.createTempDirectory("jail-fuzz");
                Path home = Files.createDirectories(dir.resolve("files").resolve("alice"));
                Files.createDirectories(dir.resolve("files").resolve("bob"));
                Files.writeString(dir.resolve("files").resolve("bob").resolve("secret.txt"), "bob's");
                Files.createDirectories(home.resolve("docs").resolve("deep"));
                Files.writeString(home.resolve("docs").resolve("a.txt"), "alice's");
                Files.createSymbolicLink(home.resolve("up"), Path.of(".."));
                Files.createSymbolicLink(home.resolve("bob"), Path.of("../bob"));
                Files.createSymbolicLink(home.resolve("etc"), Path.of("/etc"));
                Files.createSymbolicLink(home.resolve("dangling"), Path.of("/nonexistent/portico"));
                Files.createSymbolicLink(home.resolve("self"), Path.of("."));
                Files.createSymbolicLink(home.resolve("docs").resolve("back"), Path.of("../.."));
                Files.createSymbolicLink(home.resolve("inside"), Path.of("docs/deep"));
                LocalFileStore store = new LocalFileStore(home, true);
                return new Jail(store.root(), store);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @FuzzTest
    void clientPathsStayInTheRoot(FuzzedDataProvider data) throws IOException {
        String cwdInput = data.consumeString(200);
        String input = data.consumeRemainingAsString();
        VirtualPath path;
        try {
            path = VirtualPath.ROOT.resolve(cwdInput).resolve(input);
        } catch (InvalidPathException nul) {
            assertThat(cwdInput + input).contains("\0");
            return;
        }
        for (String s : path.segments()) assertThat(s).isNotEmpty().isNotIn(".", "..").doesNotContain("/", "\\", "\0");
        assertThat(path.toString()).startsWith("/");
        assertThat(VirtualPath.ROOT.resolve(path.toString())).isEqualTo(path);   // a resolved path is a fixed point

        Path host;
        try {
            host = JAIL.store().resolve(path);
        } catch (IOException refused) {
            return;
        }
        assertThat(host.normalize()).startsWithRaw(JAIL.root());
        Path existing = host;
        while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        assertThat(existing.toRealPath()).startsWithRaw(JAIL.root());

        try {
            FileEntry e = JAIL.store().stat(path);
            assertThat(host.toRealPath()).as("stat of %s", path).startsWithRaw(JAIL.root());
            assertThat(e.name()).isEqualTo(path.name());
        } catch (IOException refused) {
            // missing, or refused
        }
        try {
            List<FileEntry> entries = JAIL.store().list(path);
            assertThat(host.toRealPath()).as("list of %s", path).startsWithRaw(JAIL.root());
            assertThat(entries).extracting(FileEntry::name).doesNotContain("secret.txt");
        } catch (IOException refused) {
            // not a directory, missing, or refused
        }
        try (FileChannel ch = JAIL.store().openRead(path)) {
            assertThat(host.toRealPath()).as("read of %s", path).startsWithRaw(JAIL.root());
            assertThat(ch.size()).isLessThan(100);
        } catch (IOException refused) {
            // a directory, missing, or refused
        }
    }
}
