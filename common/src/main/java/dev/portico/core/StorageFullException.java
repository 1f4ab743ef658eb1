package dev.portico.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A write failed because the file system is full or a quota is used up ({@code ENOSPC},
 * {@code EDQUOT}), as opposed to any other I/O failure. Protocols answer it with their
 * "insufficient storage" reply (SMTP {@code 452 4.3.1}, RFC 5321 4.2.2 and RFC 3463 3.4; FTP
 * {@code 452}, RFC 959 4.2.1) and go on with the session, where other failures get a local error.
 *
 * <p>Java has no errno: the JDK puts {@code strerror}'s text in the message, in English unless the
 * process runs under a translated locale. So {@link #classify} also asks the file system how much
 * room is left, while the failed write's partial file still holds its space.
 */
public final class StorageFullException extends IOException {

    /** Below this many usable bytes a failed write is taken for a full disk whatever its message says. */
    private static final long NEARLY_FULL = 1 << 20;

    public StorageFullException(IOException cause) {
        super(cause.getMessage(), cause);
    }

    /** Whether {@code e} or one of its causes is a full disk (this type, or the English ENOSPC/EDQUOT text). */
    public static boolean isFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageFullException) return true;
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("no space left") || m.contains("disk quota") || m.contains("not enough space")) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    /**
     * {@code e} as a {@link StorageFullException} when it says the disk is full, or when the file
     * system holding {@code where} has almost no usable space left; otherwise {@code e} itself.
     * Call it before deleting what the failed write left, which still holds its space.
     */
    public static IOException classify(IOException e, Path where) {
        if (e instanceof StorageFullException) return e;
        if (isFull(e) || nearlyFull(where)) return new StorageFullException(e);
        return e;
    }

    private static boolean nearlyFull(Path where) {
        Path p = where == null ? null : where.toAbsolutePath();
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p == null) return false;
        try {
            return Files.getFileStore(p).getUsableSpace() < NEARLY_FULL;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
