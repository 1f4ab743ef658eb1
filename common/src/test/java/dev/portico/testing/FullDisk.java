package dev.portico.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real file system that really fills up, for tests of what servers answer when a write fails
 * with {@code ENOSPC}: a tiny tmpfs with a block and an inode limit, and fillers that use up one
 * or both. Register it with {@code @RegisterExtension} and a lower {@code @Order} than the server fixture, so the
 * fixture (registered later, torn down first) has stopped its server before the disk goes away.
 *
 * <p>Two ways to get the tmpfs, tried in order:
 * <ol>
 * <li>As root: {@code mount -t tmpfs} on a fresh temporary folder, unmounted after the test.</li>
 * <li>Unprivileged: {@code unshare --user --map-root-user --mount} runs a shell that mounts the
 * tmpfs in its own mount namespace and then waits on its standard input; this process reaches the
 * tmpfs through {@code /proc/PID/root/...}. Nothing outlives the test, not even a killed JVM: the
 * helper ends when its standard input closes. The path holds a magic link, though, so a store that
 * canonicalises its root ({@code toRealPath}, as the FTP file store does) lands outside the tmpfs:
 * such tests ask for {@link #mountWithRealPaths}, which only the first way gives.</li>
 * </ol>
 * Where neither works (not Linux, no {@code mount}, user namespaces disabled) the test is skipped
 * with an assumption, never failed. {@code /dev/full} does not fit: the servers create their files
 * under unique names with {@code O_EXCL}, so no name can be pointed at it in advance.
 */
public final class FullDisk implements AfterEachCallback {

    private static final int FILL_CHUNK = 64 * 1024;

    private Path mountPoint;
    private Path root;
    private Process helper;
    private long bytes;
    private final List<Path> fillers = new ArrayList<>();

    public static FullDisk create() {
        return new FullDisk();
    }

    /**
     * Mounts a fresh tmpfs of {@code bytes} (rounded up to pages) and {@code inodes} and returns
     * its root; skips the test when this machine can do neither way.
     */
    public Path mount(long bytes, int inodes) throws IOException {
        if (root != null) throw new IllegalStateException("mounted already");
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"), "tmpfs needs Linux");
        mountPoint = Files.createTempDirectory("portico-fulldisk");
        String options = "size=" + bytes + ",nr_inodes=" + inodes + ",mode=1777";
        if (isRoot() && run(List.of("mount", "-t", "tmpfs", "-o", options, "portico-fulldisk", mountPoint.toString()))) {
            root = mountPoint;
        } else {
            root = unshared(options);
        }
        if (root == null) {
            Files.deleteIfExists(mountPoint);
            mountPoint = null;
        }
        assumeTrue(root != null, "no tmpfs: neither root (mount) nor unprivileged user namespaces (unshare -Urm)");
        this.bytes = bytes;
        return root;
    }

    /** Like {@link #mount}, for a store that resolves its root with {@code toRealPath}: needs root. */
    public Path mountWithRealPaths(long bytes, int inodes) throws IOException {
        assumeTrue(isRoot(), "a tmpfs reachable without /proc/PID/root needs root (mount)");
        Path p = mount(bytes, inodes);
        assumeTrue(p.toRealPath().equals(p.toAbsolutePath()), "the tmpfs is only reachable through a magic link");
        return p;
    }

    /** The tmpfs root. */
    public Path root() {
        if (root == null) throw new IllegalStateException("not mounted");
        return root;
    }

    /** Writes a filler file until the tmpfs has no free block left ({@code ENOSPC}). */
    public void fillBlocks() throws IOException {
        Path filler = root().resolve("filler-blocks-" + fillers.size());
        fillers.add(filler);
        byte[] chunk = new byte[FILL_CHUNK];
        long max = bytes / FILL_CHUNK + 16;
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (long i = 0; i < max; i++) out.write(chunk);
        } catch (IOException full) {
            assertFull(full);
            return;
        }
        throw new IllegalStateException("the tmpfs did not fill up");
    }

    /** Creates empty files until the tmpfs has no free inode left: mkdir and create fail too. */
    public void fillInodes() throws IOException {
        for (int i = 0; i < 100_000; i++) {
            Path filler = root().resolve("filler-inode-" + i);
            try {
                Files.createFile(filler);
            } catch (IOException full) {
                assertFull(full);
                return;
            }
            fillers.add(filler);
        }
        throw new IllegalStateException("the tmpfs did not run out of inodes");
    }

    /** Blocks and inodes both. */
    public void fill() throws IOException {
        fillBlocks();
        fillInodes();
    }

    /** Removes the fillers: the disk has room again. */
    public void free() throws IOException {
        for (Path p : fillers) Files.deleteIfExists(p);
        fillers.clear();
    }

    private static void assertFull(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (!m.contains("No space left on device")) throw new IllegalStateException("filling failed otherwise", e);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /** Unmounts (or ends the namespace) and removes the mount point. */
    public void close() {
        if (helper != null) {
            helper.destroy();
            try {
                helper.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            helper = null;
        } else if (root != null) {
            run(List.of("umount", "-l", mountPoint.toString()));
        }
        root = null;
        fillers.clear();
        if (mountPoint != null) {
            try {
                Files.deleteIfExists(mountPoint);
            } catch (IOException e) {
                // a busy mount point under the temporary folder is harmless
            }
            mountPoint = null;
        }
    }

    private Path unshared(String options) {
        ProcessBuilder pb = new ProcessBuilder("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                "mount -t tmpfs -o " + options + " portico-fulldisk \"$0\" && echo mounted && exec cat >/dev/null",
                mountPoint.toString());
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return null;                                 // no unshare on this machine
        }
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                return r.readLine();
            } catch (IOException e) {
                return null;
            }
        }, r -> Thread.ofPlatform().daemon().start(r));   // not the common pool: it has one worker on 2 cores, which a concurrent test may hold
        String line;
        try {
            line = first.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            line = null;
        }
        if (!"mounted".equals(line)) {
            p.destroyForcibly();
            return null;
        }
        helper = p;
        return Path.of("/proc", Long.toString(p.pid()), "root").resolve(mountPoint.toString().substring(1));
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Runs a command to its end (bounded), output discarded; true when it exited 0. */
    private static boolean run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
