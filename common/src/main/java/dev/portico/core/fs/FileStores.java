package dev.portico.core.fs;

import dev.portico.core.auth.User;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where every protocol gets a file tree: users' homes for FTP and the shell, and the read-only
 * anonymous FTP root. The one place to plug in another storage backend.
 */
public interface FileStores {

    /** The user's home, jailed, writable when the user may write. */
    FileStore home(User user) throws IOException;

    /** A read-only tree (anonymous FTP), created when missing. */
    FileStore readOnly(Path root) throws IOException;
}
