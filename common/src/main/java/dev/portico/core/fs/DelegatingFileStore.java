package dev.portico.core.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A {@link FileStore} that hands every call to {@link #delegate()}: a wrapper (a slowed-down
 * store, a test's broken one) implements this and overrides only the calls it changes.
 */
public interface DelegatingFileStore extends FileStore {

    /** The store every call not overridden goes to. */
    FileStore delegate();

    @Override
    default FileEntry stat(VirtualPath path) throws IOException {
        return delegate().stat(path);
    }

    @Override
    default List<FileEntry> list(VirtualPath directory) throws IOException {
        return delegate().list(directory);
    }

    @Override
    default Stream<FileEntry> entries(VirtualPath directory) throws IOException {
        return delegate().entries(directory);
    }

    @Override
    default FileChannel openRead(VirtualPath path) throws IOException {
        return delegate().openRead(path);
    }

    @Override
    default FileChannel openWrite(VirtualPath path, boolean append, long offset) throws IOException {
        return delegate().openWrite(path, append, offset);
    }

    @Override
    default VirtualPath createUnique(VirtualPath directory, String prefix) throws IOException {
        return delegate().createUnique(directory, prefix);
    }

    @Override
    default void createDirectory(VirtualPath path) throws IOException {
        delegate().createDirectory(path);
    }

    @Override
    default void delete(VirtualPath path) throws IOException {
        delegate().delete(path);
    }

    @Override
    default void rename(VirtualPath from, VirtualPath to) throws IOException {
        delegate().rename(from, to);
    }

    @Override
    default void copy(VirtualPath from, VirtualPath to) throws IOException {
        delegate().copy(from, to);
    }

    @Override
    default void setModified(VirtualPath path, Instant time) throws IOException {
        delegate().setModified(path, time);
    }

    @Override
    default boolean isWritable() {
        return delegate().isWritable();
    }
}
