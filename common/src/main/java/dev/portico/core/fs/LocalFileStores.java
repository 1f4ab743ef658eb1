package dev.portico.core.fs;

import dev.portico.core.auth.User;

import java.io.IOException;
import java.nio.file.Path;

/** {@link FileStores} on the local disk: a user's home is {@code DATA/files/NAME/}. */
public final class LocalFileStores implements FileStores {

    private final Path homes;

    /** @param homes the folder holding one home folder per user ({@code DATA/files}) */
    public LocalFileStores(Path homes) {
        this.homes = homes;
    }

    @Override
    public FileStore home(User user) throws IOException {
        return new LocalFileStore(homes.resolve(user.name()), user.canWrite());
    }

    @Override
    public FileStore readOnly(Path root) throws IOException {
        return new LocalFileStore(root, false);
    }
}
