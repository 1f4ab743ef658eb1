package dev.portico.core.fs;

import dev.portico.core.auth.User;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@link FileStores} that hand every call to {@link #delegate()}; a wrapper overrides the one it
 * changes (usually {@link #home}, returning a {@link DelegatingFileStore}).
 */
public interface DelegatingFileStores extends FileStores {

    /** The stores every call not overridden goes to. */
    FileStores delegate();

    @Override
    default FileStore home(User user) throws IOException {
        return delegate().home(user);
    }

    @Override
    default FileStore readOnly(Path root) throws IOException {
        return delegate().readOnly(root);
    }
}
