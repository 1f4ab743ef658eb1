package dev.portico.core.fs;

import java.security.SecureRandom;

/** Holds {@link FileStores#uploadPrefix()}: drawn on the first upload or clean-up, not on the path to ready. */
final class UploadToken {

    static final String PREFIX = FileStores.UPLOAD_PREFIX + token() + "-";

    private UploadToken() {}

    /** 64 random bits in base 36: no two processes (restarts, or several sharing a data folder) draw the same. */
    private static String token() {
        return Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    }
}
