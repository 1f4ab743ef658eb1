package dev.portico.http;

import dev.portico.core.LogSafe;
import dev.portico.core.auth.User;
import dev.portico.core.fs.FileEntry;
import dev.portico.core.fs.FileStore;
import dev.portico.core.fs.FileStores;
import dev.portico.core.fs.VirtualPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/files/USER/PATH}: a user's home, the same jailed tree FTP and the shell use,
 * through the same {@link FileStore}: GET reads a file or lists a directory, PUT writes a file
 * (or makes a directory, for a path ending in {@code /}), DELETE removes a file or an empty
 * directory. Paths are relative to the home: {@code ..}, {@code .}, empty segments ({@code //}) and
 * encoded slashes are refused with 400 before the store is asked, and the store refuses a symbolic
 * link that leads out with 403, so no request reaches outside the home.
 */
final class FilesApi {

    record Entry(String name, String path, String type, long size, String modified) {}

    record Listing(String path, List<Entry> entries) {}

    private static final Logger log = LoggerFactory.getLogger(FilesApi.class);

    private final HttpServer.Shared shared;

    FilesApi(HttpServer.Shared shared) {
        this.shared = shared;
    }

    Response get(Request r) throws IOException {
        FileStore store = home(r);
        VirtualPath path = path(r);
        FileEntry e = store.stat(path);
        if (e.directory()) {
            List<Entry> entries = store.list(path).stream()
                    .filter(x -> !FileStores.isUploadTemporary(x.name()))
                    .map(x -> entry(path.child(x.name()), x))
                    .toList();
            return Response.ok(new Listing(path.toString(), entries));
        }
        if (r.trailingSlash) throw HttpProblem.conflict("not a directory: " + path);
        FileChannel ch = store.openRead(path);
        return new Response.Bytes(200, "application/octet-stream", ch.size(), Channels.newInputStream(ch),
                Map.of("Last-Modified", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                        .format(e.modified().atOffset(java.time.ZoneOffset.UTC))));
    }

    /**
     * Writes the body to a temporary file beside the target and renames it over the target once
     * complete and synced, as FTP's STOR does: a reader never sees half a file, and a refused or
     * broken upload leaves the old one. Missing parent directories are made.
     */
    Response put(Request r) throws IOException {
        FileStore store = home(r);
        VirtualPath path = path(r);
        if (path.isRoot()) throw HttpProblem.badRequest("name a file under the home, e.g. /api/v1/files/USER/report.csv");
        if (FileStores.isUploadTemporary(path.name())) {
            throw HttpProblem.badRequest("names starting with " + FileStores.UPLOAD_PREFIX + " are reserved");
        }
        boolean existed = exists(store, path);
        if (r.trailingSlash) {
            makeDirectories(store, path);
            log.info("http: made directory {} of {}", LogSafe.text(path), r.var("user"));
            return new Response.Json(existed ? 200 : 201, entry(path, store.stat(path)));
        }
        try (InputStream body = r.body(r.maxBody())) {
            makeDirectories(store, path.parent());
            VirtualPath temp = store.createUnique(path.parent(), FileStores.uploadPrefix());
            boolean done = false;
            try {
                long written = 0;
                try (FileChannel ch = store.openWrite(temp, false, 0)) {
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = body.read(buf)) > 0; ) {
                        ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                        while (b.hasRemaining()) ch.write(b);
                        written += n;
                    }
                    ch.force(true);
                }
                store.rename(temp, path);
                done = true;
                log.info("http: wrote {} of {} ({} bytes)", LogSafe.text(path), r.var("user"), written);
            } finally {
                if (!done) deleteQuietly(store, temp);
            }
        }
        return new Response.Json(existed ? 200 : 201, entry(path, store.stat(path)));
    }

    Response delete(Request r) throws IOException {
        FileStore store = home(r);
        VirtualPath path = path(r);
        if (path.isRoot()) throw HttpProblem.forbidden("the home itself cannot be deleted");
        store.delete(path);
        log.info("http: deleted {} of {}", LogSafe.text(path), r.var("user"));
        return Response.noContent();
    }

    private FileStore home(Request r) throws IOException {
        String name = r.var("user");
        User user = shared.users().find(name).orElseThrow(() -> HttpProblem.notFound("no user " + LogSafe.text(name, 64)));
        return shared.files().home(user);
    }

    /**
     * The path after the user's name, refused when a segment could name anything outside the
     * home or is not a plain name: {@code ..} and {@code .} (which a shell would resolve),
     * slashes and backslashes that came percent-encoded, NUL bytes.
     */
    static VirtualPath path(Request r) {
        for (String s : r.rest) {
            if (s.equals("..") || s.equals(".")) {
                throw HttpProblem.badRequest("paths are relative to the user's home; '" + s + "' segments are refused");
            }
            if (s.isEmpty() || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0 || s.indexOf('\0') >= 0) {
                throw HttpProblem.badRequest("a path segment holds a slash, a backslash or a NUL byte");
            }
        }
        return new VirtualPath(r.rest);
    }

    private static boolean exists(FileStore store, VirtualPath path) throws IOException {
        try {
            store.stat(path);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** {@code mkdir -p} inside the home. */
    private static void makeDirectories(FileStore store, VirtualPath dir) throws IOException {
        if (dir.isRoot() || exists(store, dir)) return;
        makeDirectories(store, dir.parent());
        try {
            store.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            // another request made it meanwhile; a file of that name is refused when it is used as a directory
        }
    }

    private static void deleteQuietly(FileStore store, VirtualPath temp) {
        try {
            store.delete(temp);
        } catch (IOException e) {
            log.warn("http: cannot remove the upload temporary {}: {}", temp, e.toString());
        }
    }

    private static Entry entry(VirtualPath path, FileEntry e) {
        return new Entry(e.name(), path.toString(), e.directory() ? "directory" : "file", e.size(), e.modified().toString());
    }
}
