package dev.portico.core.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * One user's files, rooted at the user's home. FTP and the shell call only this, so the jail is
 * in one place. Errors are the JDK's: {@link java.nio.file.NoSuchFileException},
 * {@link java.nio.file.AccessDeniedException} (outside the root, or no permission),
 * {@link java.nio.file.FileAlreadyExistsException}, {@link java.nio.file.DirectoryNotEmptyException},
 * {@link java.nio.file.NotDirectoryException}.
 */
public interface FileStore {

    FileEntry stat(VirtualPath path) throws IOException;

    /** A directory's entries sorted by name. */
    List<FileEntry> list(VirtualPath directory) throws IOException;

    /**
     * A directory's entries in the directory's own order, read as the stream is consumed, so that
     * listing a directory of any size holds one entry at a time (FTP's LIST streams them to the
     * data connection). The directory is resolved and opened now, and refused now; an error while
     * reading comes as an {@link java.io.UncheckedIOException}. The caller closes the stream.
     */
    default Stream<FileEntry> entries(VirtualPath directory) throws IOException {
        return list(directory).stream();
    }

    /** Opens a file for reading; a channel allows {@code transferTo} (sendfile) and offsets. */
    FileChannel openRead(VirtualPath path) throws IOException;

    /**
     * Opens a file for writing, creating it if missing. {@code append} writes at the end;
     * otherwise the file is cut to {@code offset} and writing starts there (0 replaces it).
     */
    FileChannel openWrite(VirtualPath path, boolean append, long offset) throws IOException;

    /** Creates an empty file with a name no other file in {@code directory} has. */
    VirtualPath createUnique(VirtualPath directory, String prefix) throws IOException;

    void createDirectory(VirtualPath path) throws IOException;

    /** Deletes a file or an empty directory. */
    void delete(VirtualPath path) throws IOException;

    /** Renames or moves; replaces an existing file, never an existing directory. */
    void rename(VirtualPath from, VirtualPath to) throws IOException;

    /** Copies a file (the shell's {@code cp}). */
    void copy(VirtualPath from, VirtualPath to) throws IOException;

    void setModified(VirtualPath path, Instant time) throws IOException;

    boolean isWritable();
}
