package dev.portico.core;

/**
 * What a start-up clean removed: the temporary files a crash ({@code kill -9}, power loss) left
 * behind, and the bytes they held. See {@code LocalFileStores.removeLeftovers} and
 * {@code MaildirMailStore.removeStaleTemporaries}.
 */
public record Leftovers(long files, long bytes) {

    public static final Leftovers NONE = new Leftovers(0, 0);

    public Leftovers plus(Leftovers other) {
        return new Leftovers(files + other.files, bytes + other.bytes);
    }

    /** One more file of {@code size} bytes. */
    public Leftovers plusFile(long size) {
        return new Leftovers(files + 1, bytes + size);
    }
}
