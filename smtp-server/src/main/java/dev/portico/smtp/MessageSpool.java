package dev.portico.smtp;

import dev.portico.core.StorageFullException;
import jakarta.mail.util.SharedByteArrayInputStream;
import jakarta.mail.util.SharedFileInputStream;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Holds one incoming message between the socket and delivery: in memory up to a small threshold
 * (most mail is a few KiB, and a second file per message would halve throughput), in a temporary
 * file beyond it, so a 100 MB message never sits in the heap. Read back as a Jakarta Mail
 * {@code SharedInputStream}, so the MIME parser walks it without copying it into memory. A spool
 * file that cannot be written (a full disk) fails the message, not the session: see {@link #write}.
 */
final class MessageSpool implements Closeable {

    private final Path dir;
    private final int memoryLimit;
    /** Sized for most mail at once: growing from 4 KiB copied a 10 KiB message twice on the way. */
    private static final int FIRST_MEMORY = 16 * 1024;
    private byte[] memory;
    private int memorySize;
    private Path file;
    private OutputStream fileOut;
    private long size;
    private IOException failure;

    MessageSpool(Path dir, int memoryLimit) {
        this.dir = dir;
        this.memoryLimit = memoryLimit;
        this.memory = new byte[Math.min(memoryLimit, FIRST_MEMORY)];
    }

    /**
     * Adds text. Never throws: when the spool file cannot be written (a full disk, most likely)
     * the failure is kept for {@link #failure()}, the file is dropped, and the rest of the message
     * is counted and thrown away, so the caller still reads the text to its end and the session
     * stays in step with the client.
     */
    void write(byte[] b, int off, int len) {
        if (len == 0) return;
        size += len;
        if (failure != null) return;
        if (fileOut == null && memorySize + len <= memoryLimit) {
            if (memorySize + len > memory.length) {
                memory = Arrays.copyOf(memory, Math.min(memoryLimit, Math.max(memorySize + len, memory.length * 2)));
            }
            System.arraycopy(b, off, memory, memorySize, len);
            memorySize += len;
            return;
        }
        try {
            if (fileOut == null) spill();
            fileOut.write(b, off, len);
        } catch (IOException e) {
            fail(e);
        }
    }

    private void spill() throws IOException {
        Files.createDirectories(dir);
        file = Files.createTempFile(dir, "smtp-", ".eml");
        fileOut = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        fileOut.write(memory, 0, memorySize);
        memory = null;
        memorySize = 0;
    }

    /** Keeps the failure, classified while the partial file still holds its space, then drops the file. */
    private void fail(IOException e) {
        failure = StorageFullException.classify(e, file != null ? file : dir);
        memory = null;
        memorySize = 0;
        try {
            close();
        } catch (IOException ignored) {
            // the failure that matters is kept; a spool file left behind is removed at a later start
        }
    }

    /** Why the text could not be kept, or null when it was. */
    IOException failure() {
        return failure;
    }

    long size() {
        return size;
    }

    /** Ends writing; a failure to do so is kept like a failed write. No fsync: delivery makes its own durable copy. */
    void finish() {
        if (fileOut == null || failure != null) return;
        try {
            fileOut.close();
        } catch (IOException e) {
            fail(e);
        }
    }

    /** A fresh reader over the whole content; a {@code jakarta.mail.internet.SharedInputStream}. Not after a failure. */
    InputStream open() throws IOException {
        if (failure != null) throw new IllegalStateException("the spool failed: " + failure);
        return file == null ? new SharedByteArrayInputStream(memory, 0, memorySize)
                : new SharedFileInputStream(file.toFile(), 64 * 1024);
    }

    @Override
    public void close() throws IOException {
        memory = null;
        try {
            if (fileOut != null) fileOut.close();
        } finally {
            fileOut = null;
            Path f = file;
            file = null;
            if (f != null) Files.deleteIfExists(f);
        }
    }
}
