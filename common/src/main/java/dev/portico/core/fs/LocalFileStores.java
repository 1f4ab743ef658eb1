package dev.portico.core.fs;

import dev.portico.core.Leftovers;
import dev.portico.core.auth.User;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** {@link FileStores} on the local disk: a user's home is {@code DATA/files/NAME/}. */
public final class LocalFileStores implements FileStores {

    private final Path homes;
    private volatile Path realHomes;   // the real path of homes, once a login has seen it exist

    /** @param homes the folder holding one home folder per user ({@code DATA/files}) */
    public LocalFileStores(Path homes) {
        this.homes = homes;
    }

    /**
     * The store of a user's home, made at every login. The real path of a home that is a folder of
     * its own (not a link) is the homes' real path and its name: one lstat, where realpath(3) took an
     * lstat and a readlink for every segment of the data folder's path at every login (6 of an FTP
     * session's 139 system calls here; docs/benchmarks.md, "An FTP session's system calls"). A home
     * that is a link, or not made yet, takes the long way.
     */
    @Override
    public FileStore home(User user) throws IOException {
        Path home = homes.resolve(user.name());
        Path real = realHomes;
        if (real != null) {
            BasicFileAttributes a = LocalFileStore.lstatOrNull(home);   // unreadable: the long way says why
            if (a != null && a.isDirectory()) {
                return LocalFileStore.atRealRoot(real.resolve(user.name()), user.canWrite());
            }
        }
        FileStore store = new LocalFileStore(home, user.canWrite());
        if (real == null) realHomes = homes.toRealPath();
        return store;
    }

    @Override
    public FileStore readOnly(Path root) throws IOException {
        return new LocalFileStore(root, false);
    }

    /**
     * Deletes every regular file whose name starts with {@code prefix} anywhere under the homes and
     * under {@code otherRoots} (those that exist): temporaries of uploads a crash interrupted, which
     * no one else would ever remove. This process's own upload temporaries
     * ({@link FileStores#uploadPrefix()}) are left alone, so the walk may run while sessions upload.
     * Symbolic links are neither followed nor deleted, and an unreadable folder is skipped.
     */
    public Leftovers removeLeftovers(String prefix, Collection<Path> otherRoots) throws IOException {
        if (prefix.isEmpty()) throw new IllegalArgumentException("an empty prefix would match every file");
        Leftovers removed = Leftovers.NONE;
        List<Path> roots = new ArrayList<>();
        roots.add(homes);
        roots.addAll(otherRoots);
        for (Path root : roots) {
            if (!Files.isDirectory(root)) continue;
            Remover remover = new Remover(prefix);
            Files.walkFileTree(root.toRealPath(), remover);   // a configured root may be a link; nothing below it is followed
            removed = removed.plus(remover.removed);
        }
        return removed;
    }

    private static final class Remover extends SimpleFileVisitor<Path> {
        private final String prefix;
        private final String own = FileStores.uploadPrefix();
        Leftovers removed = Leftovers.NONE;

        Remover(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
            String name = file.getFileName().toString();
            if (a.isRegularFile() && name.startsWith(prefix) && !name.startsWith(own) && Files.deleteIfExists(file)) {
                removed = removed.plusFile(a.size());
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;      // unreadable or vanished: nothing of ours to remove there
        }
    }
}
