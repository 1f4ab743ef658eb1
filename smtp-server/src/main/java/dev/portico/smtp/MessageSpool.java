package dev.portico.smtp;

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
 * {@code SharedInputStream}, so the MIME parser walks it without copying it into memory.
 */
final class MessageSpool implements Closeable {

    private final Path dir;
    private final int memoryLimit;
    private byte[] memory = new byte[4096];
    private int memorySize;
    private Path file;
    private OutputStream fileOut;
    private long size;

    MessageSpool(Path dir, int memoryLimit) {
        this.dir = dir;
        this.memoryLimit = memoryLimit;
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) return;
        size += len;
        if (fileOut == null && memorySize + len <= memoryLimit) {
            if (memorySize + len > memory.length) {
                memory = Arrays.copyOf(memory, Math.min(memoryLimit, Math.max(memorySize + len, memory.length * 2)));
            }
            System.arraycopy(b, off, memory, memorySize, len);
            memorySize += len;
            return;
        }
        if (fileOut == null) spill();
        fileOut.write(b, off, len);
    }

    private void spill() throws IOException {
        Files.createDirectories(dir);
        file = Files.createTempFile(dir, "smtp-", ".eml");
        fileOut = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        fileOut.write(memory, 0, memorySize);
        memory = null;
        memorySize = 0;
    }

    long size() {
        return size;
    }

    /** Ends writing. The spool file needs no fsync: delivery makes its own durable copy. */
    void finish() throws IOException {
        if (fileOut != null) fileOut.close();
    }

    /** A fresh reader over the whole content; a {@code jakarta.mail.internet.SharedInputStream}. */
    InputStream open() throws IOException {
        return file == null ? new SharedByteArrayInputStream(memory, 0, memorySize)
                : new SharedFileInputStream(file.toFile(), 64 * 1024);
    }

    @Override
    public void close() throws IOException {
        memory = null;
        if (fileOut != null) {
            try {
                fileOut.close();
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}
