package dev.portico.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One user's home, the folder FTP and the shell show as {@code /}: read what a client uploaded,
 * put files a client will download, list what is there. Paths are relative to the home
 * ({@code "reports/june.csv"}); one that would leave it is refused. The FTP server's hidden
 * upload temporaries are never listed.
 */
public final class UserFiles {

    private static final String UPLOAD_PREFIX = dev.portico.ftp.FtpServer.UPLOAD_PREFIX;

    private final String user;
    private final Path home;

    UserFiles(String user, Path home) {
        this.user = user;
        this.home = home;
    }

    /** The home folder on disk. */
    public Path root() {
        return home;
    }

    /**
     * A file or folder in the home, as a path on disk, for AssertJ's path assertions:
     * {@code assertThat(portico.file("alice", "report.csv")).hasContent("a,b")}.
     */
    public Path path(String relative) {
        Path p = home.resolve(strip(relative)).normalize();
        if (!p.startsWith(home)) throw new IllegalArgumentException(relative + " is outside " + user + "'s home");
        return p;
    }

    private static String strip(String relative) {
        String r = relative;
        while (r.startsWith("/")) r = r.substring(1);
        return r;
    }

    public boolean exists(String relative) {
        return Files.exists(path(relative));
    }

    /** A file's content as UTF-8 text. */
    public String read(String relative) {
        return new String(readBytes(relative), StandardCharsets.UTF_8);
    }

    public byte[] readBytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file (UTF-8), creating the folders on the way and replacing what was there. */
    public UserFiles write(String relative, String content) {
        return write(relative, content.getBytes(StandardCharsets.UTF_8));
    }

    public UserFiles write(String relative, byte[] content) {
        Path p = path(relative);
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Deletes a file or an empty folder; false when there was none. */
    public boolean delete(String relative) {
        try {
            return Files.deleteIfExists(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file in the home and below, as relative paths with {@code /}, sorted. */
    public List<String> list() {
        if (!Files.isDirectory(home)) return List.of();
        try (Stream<Path> walk = Files.walk(home)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(UPLOAD_PREFIX))
                    .map(p -> home.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names in one folder of the home (files and folders), sorted; empty when it does not exist. */
    public List<String> list(String folder) {
        Path dir = path(folder);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(UPLOAD_PREFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return user + "'s home " + home;
    }
}
