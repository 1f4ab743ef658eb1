package dev.portico.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One activity log file, appended a whole line per write by any session's thread. The file is
 * opened with {@code O_APPEND}, so each write lands at the end of the file as it is then: after
 * {@code logrotate}'s {@code copytruncate} the next line starts the emptied file, with no hole
 * of zeros where the old end was. Nothing is queued: a line is written on the thread that has it
 * (a write to the page cache, no fsync), so memory stays bounded however busy the servers are.
 * A failed write is logged once until writing works again; the sessions never notice.
 */
final class LogFile implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(LogFile.class);

    private final Path path;
    private final FileChannel channel;
    /** A line is one write; the lock keeps a (rare) short write from letting another line in between. */
    private final ReentrantLock lock = new ReentrantLock();
    private boolean failing;

    private LogFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens {@code path} for appending, creating it and its folder when missing. */
    static LogFile open(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        return new LogFile(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
    }

    Path path() {
        return path;
    }

    /** Appends {@code line} and a line feed; the caller has escaped what a client sent. */
    void append(String line) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(line + "\n");
        lock.lock();
        try {
            while (bytes.hasRemaining()) channel.write(bytes);
            if (failing) {
                failing = false;
                log.info("writing {} works again", path);
            }
        } catch (IOException e) {
            if (!failing) {
                failing = true;
                log.warn("cannot write {}: {} (lines are lost until it works again)", path, e.toString());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
