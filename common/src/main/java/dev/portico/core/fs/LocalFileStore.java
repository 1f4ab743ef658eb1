package dev.portico.core.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A {@link FileStore} on a local directory. Every virtual path is resolved under the root and the
 * real path of what exists is checked to stay inside it, so symbolic links cannot lead out.
 *
 * <p>The JDK's file errors name host paths ({@code /srv/portico/data/files/alice/etc/passwd}); the
 * store's callers show errors to users (the shell prints them), so every error leaving the store
 * names the user's virtual path instead ({@code /etc/passwd}), or no path at all, and never the host
 * directory the user's files live in. Errors keep their type, so callers still tell a missing file
 * from a refused one.
 */
public final class LocalFileStore implements FileStore {

    private final Path root;
    private final boolean writable;

    /** @param root created if missing */
    public LocalFileStore(Path root, boolean writable) throws IOException {
        // a store is made per login: an existing home costs a stat, not a failed mkdir and its exception
        this(writable, realRoot(root));
    }

    /** A store of a root the caller knows to be a real path already (an existing folder, no link on the way). */
    static LocalFileStore atRealRoot(Path realRoot, boolean writable) {
        return new LocalFileStore(writable, realRoot);
    }

    private LocalFileStore(boolean writable, Path realRoot) {
        this.root = realRoot;
        this.writable = writable;
    }

    private static Path realRoot(Path root) throws IOException {
        if (!Files.isDirectory(root)) Files.createDirectories(root);
        return root.toRealPath();
    }

    public Path root() {
        return root;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    /**
     * The host path of a virtual path, refused when it (or the deepest part of it that exists)
     * really lies outside the root.
     */
    Path resolve(VirtualPath v) throws IOException {
        Path p = root;
        for (String s : v.segments()) p = p.resolve(s);
        // The root is a real path and the segments hold no "..": while no existing segment is a
        // symbolic link, the path lies inside the root as it reads. One lstat per segment (none for
        // the root) decides that; the real path, which costs a readlink per segment of the whole
        // host path, is only taken when a link is on the way.
        Path existing = root;
        boolean linked = false;
        for (String s : v.segments()) {
            Path next = existing.resolve(s);
            BasicFileAttributes a = lstatOrNull(next);
            if (a == null) break;
            existing = next;
            if (a.isSymbolicLink()) {
                linked = true;
                break;
            }
        }
        if (!linked) return p;
        existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null) throw new AccessDeniedException(v.toString());
        Path real;
        try {
            real = existing.toRealPath();
        } catch (NoSuchFileException e) {
            // a dangling symbolic link: we cannot know where it leads, so refuse it
            throw new AccessDeniedException(v.toString(), null, "dangling link");
        } catch (FileSystemException e) {
            throw hidden(e);   // a loop of links, or a directory we may not search
        }
        if (!real.startsWith(root)) throw new AccessDeniedException(v.toString(), null, "outside the user's root");
        return p;
    }

    /** The attributes of {@code p} itself (a link is not followed), or null when there is nothing there to see. */
    static BasicFileAttributes lstatOrNull(Path p) {
        try {
            return p.getFileSystem().provider().readAttributesIfExists(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;   // not a directory on the way, or not searchable: as Files.exists, nothing there
        }
    }

    private Path resolveForWrite(VirtualPath v) throws IOException {
        if (!writable) throw new AccessDeniedException(v.toString(), null, "read-only");
        if (v.isRoot()) throw new AccessDeniedException("/", null, "the root cannot be changed");
        return resolve(v);
    }

    @Override
    public FileEntry stat(VirtualPath path) throws IOException {
        Path p = resolve(path);
        return io(() -> entry(path.name(), p));
    }

    private FileEntry entry(String name, Path p) throws IOException {
        return entry(name, p, Files.readAttributes(p, BasicFileAttributes.class));
    }

    private FileEntry entry(String name, Path p, BasicFileAttributes a) {
        Object key = a.fileKey();
        String id = key != null ? alphanumeric(key.toString()) : Integer.toHexString(p.hashCode());
        return new FileEntry(name, a.isDirectory(), a.isDirectory() ? 0 : a.size(), a.lastModifiedTime().toInstant(),
                id, writable);
    }

    /** {@code (dev=803,ino=1234)} as {@code dev803ino1234}, for MLSx's unique fact: by hand, where replaceAll compiled a pattern per entry. */
    private static String alphanumeric(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') b.append(c);
        }
        return b.toString();
    }

    @Override
    public List<FileEntry> list(VirtualPath directory) throws IOException {
        try (Stream<FileEntry> s = entries(directory)) {
            List<FileEntry> out = new ArrayList<>(s.toList());
            out.sort(Comparator.comparing(FileEntry::name));
            return out;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public Stream<FileEntry> entries(VirtualPath directory) throws IOException {
        Path dir = resolve(directory);
        if (!Files.isDirectory(dir)) throw new NotDirectoryException(directory.toString());
        DirectoryStream<Path> names = io(() -> Files.newDirectoryStream(dir));
        Iterator<Path> it = names.iterator();
        Iterator<FileEntry> entries = new Iterator<>() {
            private FileEntry next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    Path p;
                    try {
                        if (!it.hasNext()) return false;
                        p = it.next();
                    } catch (DirectoryIteratorException e) {
                        // reading the directory failed half-way
                        throw new UncheckedIOException(e.getCause() instanceof FileSystemException f ? hidden(f) : e.getCause());
                    }
                    next = listed(p);
                }
                return true;
            }

            @Override
            public FileEntry next() {
                if (!hasNext()) throw new NoSuchElementException();
                FileEntry e = next;
                next = null;
                return e;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(entries, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(() -> {
                    try {
                        names.close();
                    } catch (IOException ignored) {
                        // a directory read to the end or abandoned: nothing was written
                    }
                });
    }

    /** An entry as a listing shows it, or null: vanished or dangling meanwhile, or a link leading out (not shown). */
    private FileEntry listed(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            // The directory itself really lies inside the root (resolve checked it), so only a link can
            // lead out: one lstat per entry, and the real path (an lstat per path segment) of links alone.
            if (a.isSymbolicLink()) {
                if (!p.toRealPath().startsWith(root)) return null;
                a = Files.readAttributes(p, BasicFileAttributes.class);
            }
            return entry(p.getFileName().toString(), p, a);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public FileChannel openRead(VirtualPath path) throws IOException {
        Path p = resolve(path);
        if (Files.isDirectory(p)) throw new AccessDeniedException(path.toString(), null, "is a directory");
        return io(() -> FileChannel.open(p, StandardOpenOption.READ));
    }

    @Override
    public FileChannel openWrite(VirtualPath path, boolean append, long offset) throws IOException {
        Path p = resolveForWrite(path);
        if (Files.isDirectory(p)) throw new AccessDeniedException(path.toString(), null, "is a directory");
        if (append) {
            return io(() -> FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        }
        FileChannel ch = io(() -> FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        try {
            ch.truncate(offset);
            ch.position(offset);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public VirtualPath createUnique(VirtualPath directory, String prefix) throws IOException {
        for (int i = 0; i < 100; i++) {
            VirtualPath v = directory.child(prefix + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
            Path p = resolveForWrite(v);
            try {
                io(() -> Files.createFile(p));
                return v;
            } catch (FileAlreadyExistsException e) {
                // try another name
            }
        }
        throw new IOException("no unique name found in " + directory);
    }

    @Override
    public void createDirectory(VirtualPath path) throws IOException {
        Path p = resolveForWrite(path);
        io(() -> Files.createDirectory(p));
    }

    @Override
    public void delete(VirtualPath path) throws IOException {
        Path p = resolveForWrite(path);
        io(() -> {
            Files.delete(p);
            return null;
        });
    }

    @Override
    public void rename(VirtualPath from, VirtualPath to) throws IOException {
        Path a = resolveForWrite(from), b = resolveForWrite(to);
        if (!Files.exists(a, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(from.toString());
        if (Files.isDirectory(b)) throw new FileAlreadyExistsException(to.toString());
        if (Files.isDirectory(a) && b.startsWith(a)) throw new AccessDeniedException(to.toString(), null, "inside itself");
        io(() -> Files.move(a, b, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE));
    }

    @Override
    public void copy(VirtualPath from, VirtualPath to) throws IOException {
        Path a = resolve(from), b = resolveForWrite(to);
        if (Files.isDirectory(a)) throw new AccessDeniedException(from.toString(), null, "is a directory");
        io(() -> Files.copy(a, b, StandardCopyOption.REPLACE_EXISTING));
    }

    @Override
    public void setModified(VirtualPath path, Instant time) throws IOException {
        Path p = resolveForWrite(path);
        io(() -> Files.setLastModifiedTime(p, FileTime.from(time)));
    }

    /** One call into the JDK's file system, whose errors name host paths. */
    private interface Io<T> {
        T call() throws IOException;
    }

    /** Runs {@code call}, its error (if any) naming virtual paths instead of host paths. */
    private <T> T io(Io<T> call) throws IOException {
        try {
            return call.call();
        } catch (FileSystemException e) {
            throw hidden(e);
        }
    }

    /**
     * The same error naming the virtual paths of its files: the host path made relative to the
     * root, or no path when it lies elsewhere. The JDK's error is left out as the cause (its message
     * is the host path); the stack trace is kept for the log.
     */
    private FileSystemException hidden(FileSystemException e) {
        String file = virtual(e.getFile());
        String other = virtual(e.getOtherFile());
        String reason = e.getReason();
        FileSystemException h = switch (e) {
            case NoSuchFileException x -> new NoSuchFileException(file, other, reason);
            case FileAlreadyExistsException x -> new FileAlreadyExistsException(file, other, reason);
            case DirectoryNotEmptyException x -> new DirectoryNotEmptyException(file);
            case NotDirectoryException x -> new NotDirectoryException(file);
            case AccessDeniedException x -> new AccessDeniedException(file, other, reason);
            case NotLinkException x -> new NotLinkException(file, other, reason);
            case FileSystemLoopException x -> new FileSystemLoopException(file);
            case AtomicMoveNotSupportedException x -> new AtomicMoveNotSupportedException(file, other, reason);
            default -> new FileSystemException(file, other, reason);
        };
        h.setStackTrace(e.getStackTrace());
        return h;
    }

    private String virtual(String host) {
        if (host == null) return null;
        Path p;
        try {
            p = Path.of(host).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            return null;
        }
        if (!p.startsWith(root)) return null;
        StringBuilder v = new StringBuilder();
        for (Path segment : root.relativize(p)) {
            if (!segment.toString().isEmpty()) v.append('/').append(segment);
        }
        return v.isEmpty() ? "/" : v.toString();
    }
}
