package dev.portico.core.fs;

import dev.portico.core.auth.User;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where every protocol gets a file tree: users' homes for FTP and the shell, and the read-only
 * anonymous FTP root. The one place to plug in another storage backend.
 */
public interface FileStores {

    /**
     * The name prefix of upload temporaries (FTP STOR, the HTTP API's file PUT): an upload is
     * written under such a name and renamed into place once complete. They are hidden from
     * listings and removed at start as what a crash left, so no client may give a file or folder
     * such a name ({@link #isUploadTemporary}).
     */
    String UPLOAD_PREFIX = ".portico-upload-";

    /**
     * The names this process gives its upload temporaries: {@link #UPLOAD_PREFIX}, a token drawn
     * once per process, and a dash. What a crash left carries another process's token, so the
     * removal of leftovers at start can run beside this process's first uploads and never take one
     * of theirs ({@link LocalFileStores#removeLeftovers}).
     */
    static String uploadPrefix() {
        return UploadToken.PREFIX;
    }

    /** Whether {@code name} (a last path segment) is one of {@link #UPLOAD_PREFIX}'s reserved names. */
    static boolean isUploadTemporary(String name) {
        return name.startsWith(UPLOAD_PREFIX);
    }

    /** The user's home, jailed, writable when the user may write. */
    FileStore home(User user) throws IOException;

    /** A read-only tree (anonymous FTP), created when missing. */
    FileStore readOnly(Path root) throws IOException;
}
