package dev.portico.core.fs;

import java.time.Instant;

/**
 * One file or directory as a listing shows it.
 *
 * @param uniqueId stable while the file exists (device and inode where the file system has them),
 *                 for MLST's {@code unique} fact
 * @param writable whether this user may change it
 */
public record FileEntry(String name, boolean directory, long size, Instant modified, String uniqueId,
                        boolean writable) {
}
