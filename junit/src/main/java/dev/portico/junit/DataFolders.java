package dev.portico.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The temporary data folders of test Porticos, kept off the test's path: a start and a stop are
 * a few hundred microseconds, and making and deleting a folder was a good part of them.
 *
 * <p>Every folder is a numbered one in one temporary folder of the JVM's (resolved to its real
 * path once: macOS's {@code /var} is a link). One daemon thread, the keeper, deletes stopped
 * Porticos' folders and makes the next start's folder ahead of it. It looks every few
 * milliseconds instead of being woken, so that handing a folder over costs the stop nothing but
 * a queue insert (waking a thread cost more than the rest of it). Bounded: when
 * {@link #MAX_PENDING} folders already wait, the stop deletes its own folder itself, so a suite
 * that outruns the keeper cannot pile folders up; and at JVM exit a hook deletes what still
 * waits, then the JVM's folder with whatever a Portico left open holds.
 */
final class DataFolders {

    /** Folders waiting to be deleted, at most. */
    static final int MAX_PENDING = 64;
    /** The keeper's pause between looks while tests start and stop Porticos; it grows to {@link #IDLE_PAUSE_MS} while none do. */
    private static final long PAUSE_MS = 5;
    private static final long IDLE_PAUSE_MS = 200;
    /** How long the exit hook waits for the folder the keeper is deleting. */
    private static final long EXIT_WAIT_MS = 2000;

    private static final Queue<Path> pending = new ConcurrentLinkedQueue<>();
    /** Folders handed over and not yet deleted: queued, or the one being deleted. */
    private static final AtomicInteger outstanding = new AtomicInteger();
    private static final AtomicLong numbers = new AtomicLong();
    /** A folder made ahead for the next start, or null. */
    private static final AtomicReference<Path> spare = new AtomicReference<>();
    /** The JVM's folder of data folders; made, with the keeper, at the first start. */
    private static volatile Path root;

    private DataFolders() {}

    /** A new empty folder for one Portico. */
    static Path create() throws IOException {
        Path made = spare.getAndSet(null);
        if (made != null) return made;
        Path r = root();
        try {
            return make(r);
        } catch (NoSuchFileException e) {
            // something cleaned the temporary folders while the JVM ran: make ours again
            synchronized (DataFolders.class) {
                if (root == r) root = Files.createTempDirectory("portico-test").toRealPath();
            }
            return make(root);
        }
    }

    private static Path make(Path r) throws IOException {
        return Files.createDirectory(r.resolve(Long.toString(numbers.incrementAndGet())));
    }

    private static Path root() throws IOException {
        Path r = root;
        if (r != null) return r;
        synchronized (DataFolders.class) {
            if (root == null) {
                root = Files.createTempDirectory("portico-test").toRealPath();     // before the keeper, which uses it
                Thread.ofPlatform().daemon(true).name("portico-test-folders").start(DataFolders::keep);
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("portico-test-folders-at-exit")
                        .unstarted(DataFolders::deleteAtExit));
            }
            return root;
        }
    }

    /** Deletes {@code folder} soon, off the caller's thread; at the latest when the JVM exits. */
    static void deleteLater(Path folder) {
        if (outstanding.incrementAndGet() > MAX_PENDING) {
            outstanding.decrementAndGet();
            deleteNow(folder);      // the keeper is behind: this stop pays for its own folder
            return;
        }
        pending.add(folder);
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

    private static void keep() {
        long pause = PAUSE_MS;
        while (true) {
            boolean worked = deletePending();
            if (spare.get() == null) {
                worked = true;
                try {
                    Path made = make(root);
                    if (!spare.compareAndSet(null, made)) deleteNow(made);
                } catch (IOException e) {
                    // the next start makes its own, and says why if it cannot
                }
            }
            pause = worked ? PAUSE_MS : Math.min(IDLE_PAUSE_MS, pause * 2);
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** True when there was something to delete. */
    private static boolean deletePending() {
        boolean any = false;
        for (Path folder; (folder = pending.poll()) != null; ) {
            any = true;
            try {
                deleteNow(folder);
            } finally {
                outstanding.decrementAndGet();
            }
        }
        return any;
    }

    /** The keeper is a daemon and may be cut off at exit: what still waits is deleted here, and the one it works on awaited. */
    private static void deleteAtExit() {
        deletePending();
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
