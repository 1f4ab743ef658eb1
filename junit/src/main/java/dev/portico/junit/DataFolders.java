package dev.portico.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The temporary data folders of test Porticos: numbered folders in one temporary folder of the
 * JVM's, so that a start makes one folder (a {@code mkdir}) instead of a randomly named temporary
 * folder resolved to its real path. Deleting one took longer than stopping the servers
 * over it (walking and unlinking the Maildirs, the spool, the homes), and a test that stops a
 * Portico need not wait for that: a stopped Portico's folder is handed to one daemon thread that
 * deletes the folders in turn, while the next test starts. Bounded: when {@link #MAX_PENDING}
 * folders already wait, the stop deletes its own folder itself, so a suite that outruns the
 * deleter cannot pile folders up; and at JVM exit a hook deletes what still waits, then the JVM's
 * folder with whatever a Portico left open holds.
 */
final class DataFolders {

    /** Folders waiting for the deleter, at most. */
    static final int MAX_PENDING = 64;
    /** How long the exit hook waits for the folder the deleter is working on. */
    private static final long EXIT_WAIT_MS = 2000;

    private static final BlockingQueue<Path> pending = new ArrayBlockingQueue<>(MAX_PENDING);
    /** Folders handed over and not yet deleted: queued, or the one being deleted. */
    private static final AtomicInteger outstanding = new AtomicInteger();
    private static final AtomicLong numbers = new AtomicLong();
    /** The JVM's folder of data folders; made, with the deleter, at the first start. */
    private static volatile Path root;

    private DataFolders() {}

    /** A new empty folder for one Portico; the JVM's folder holding it is by its real path (macOS's {@code /var} is a link). */
    static Path create() throws IOException {
        Path r = root();
        try {
            return Files.createDirectory(r.resolve(Long.toString(numbers.incrementAndGet())));
        } catch (NoSuchFileException e) {
            // something cleaned the temporary folders while the JVM ran: make ours again
            synchronized (DataFolders.class) {
                if (root == r) root = Files.createTempDirectory("portico-test").toRealPath();
            }
            return Files.createDirectory(root.resolve(Long.toString(numbers.incrementAndGet())));
        }
    }

    private static Path root() throws IOException {
        Path r = root;
        if (r != null) return r;
        synchronized (DataFolders.class) {
            if (root == null) {
                Path made = Files.createTempDirectory("portico-test").toRealPath();
                Thread.ofPlatform().daemon(true).name("portico-test-folder-delete").start(DataFolders::deleteQueued);
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("portico-test-folder-delete-at-exit")
                        .unstarted(DataFolders::deleteAtExit));
                root = made;
            }
            return root;
        }
    }

    /** Deletes {@code folder} soon, off the caller's thread; at the latest when the JVM exits. */
    static void deleteLater(Path folder) {
        outstanding.incrementAndGet();
        if (!pending.offer(folder)) {
            outstanding.decrementAndGet();
            deleteNow(folder);      // the deleter is behind: this stop pays for its own folder
        }
    }

    /** Waits until every folder handed to {@link #deleteLater} is gone, at most {@code millis}; true when they are. */
    static boolean awaitDeleted(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (outstanding.get() > 0) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(1);
        }
        return true;
    }

    private static void deleteQueued() {
        while (true) {
            Path folder;
            try {
                folder = pending.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                deleteNow(folder);
            } finally {
                outstanding.decrementAndGet();
            }
        }
    }

    /** The deleter is a daemon and may be cut off at exit: what still waits is deleted here, and the one it works on awaited. */
    private static void deleteAtExit() {
        for (Path folder; (folder = pending.poll()) != null; ) {
            try {
                deleteNow(folder);
            } finally {
                outstanding.decrementAndGet();
            }
        }
        try {
            awaitDeleted(EXIT_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path r = root;
        if (r != null) deleteNow(r);
    }

    /** Deletes {@code folder} and everything under it now, as far as it can. */
    static void deleteNow(Path folder) {
        if (!Files.exists(folder)) return;
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a file a server still writes; the temporary folder is cleaned by the OS eventually
                }
            }
        } catch (IOException | UncheckedIOException ignored) {
            // a folder that vanished meanwhile
        }
    }
}
