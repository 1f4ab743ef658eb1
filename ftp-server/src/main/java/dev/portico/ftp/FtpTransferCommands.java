package dev.portico.ftp;

import dev.portico.core.Events;
import dev.portico.core.LineConnection;
import dev.portico.core.Reply;
import dev.portico.core.fs.FileEntry;
import dev.portico.core.fs.FileStores;
import dev.portico.core.fs.VirtualPath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Verbs that move data: RETR, STOR, APPE, STOU, LIST, NLST, MLSD; and MLST and STAT, which answer
 * on the control connection. Each checks what it can before the data connection (550 comes
 * first, with no 150), then hands a {@link Transfer} to its own thread and answers nothing itself.
 */
final class FtpTransferCommands {

    /** Directories up to this size are listed sorted by name; larger ones stream unsorted (memory stays bounded). */
    static final int SORTED_UP_TO = 1000;

    private FtpTransferCommands() {}

    static Reply retr(FtpSession s, String arg) throws IOException {
        if (arg.isEmpty()) return FtpReplies.argumentRequired("RETR");
        Reply refused = dataRefusal(s);
        if (refused != null) return refused;
        VirtualPath p = s.resolve(arg);
        long offset = s.takeRestOffset();
        FileChannel file;
        long size;
        try {
            if (s.files.stat(p).directory()) return dropData(s, FtpReplies.NOT_A_FILE);
            file = s.files.openRead(p);
            size = file.size();
        } catch (IOException e) {
            return dropData(s, FtpReplies.error(e));
        }
        if (offset > size) {
            close(file);
            return dropData(s, Reply.of(554, "REST offset " + offset + " is beyond the end of the file (" + size + ")"));
        }
        return start(s, "RETR " + p, p, opening(s, p.name() + " (" + (size - offset) + " bytes)"), false,
                Transfer.sendFile(file, offset, size, s.ascii), null, () -> close(file));
    }

    static Reply stor(FtpSession s, String arg) throws IOException {
        return store(s, arg, false);
    }

    static Reply appe(FtpSession s, String arg) throws IOException {
        return store(s, arg, true);
    }

    /**
     * STOR writes a new upload to a hidden temporary file and renames it into place only after the
     * last byte is on disk, so a broken upload never replaces a good file with a truncated one.
     * With REST (RFC 3659 §5) and APPE the client asked to continue the file itself, in place.
     */
    private static Reply store(FtpSession s, String arg, boolean append) throws IOException {
        if (arg.isEmpty()) return FtpReplies.argumentRequired(append ? "APPE" : "STOR");
        Reply refused = dataRefusal(s);
        if (refused != null) return refused;
        VirtualPath target = s.resolveNew(arg);
        if (target.isRoot()) return dropData(s, FtpReplies.BAD_FILE_NAME);
        long offset = append ? 0 : s.takeRestOffset();
        FileChannel file;
        VirtualPath temp = null;
        try {
            FileEntry existing = statOrNull(s, target);
            if (existing != null && existing.directory()) return dropData(s, FtpReplies.NOT_A_FILE);
            if (offset > 0 && (existing == null || existing.size() < offset)) {
                return dropData(s, Reply.of(554, "REST offset " + offset + " is beyond the end of the file"));
            }
            if (append || offset > 0) {
                file = s.files.openWrite(target, append, offset);
            } else {
                temp = s.files.createUnique(target.parent(), FileStores.uploadPrefix());
                file = s.files.openWrite(temp, false, 0);
            }
        } catch (IOException e) {
            if (temp != null) deleteQuietly(s, temp);
            return dropData(s, FtpReplies.error(e));
        }
        VirtualPath tmp = temp;
        Transfer.Finish finish = tmp == null ? null : () -> s.files.rename(tmp, target);
        Runnable cleanup = () -> {
            close(file);
            if (tmp != null) deleteQuietly(s, tmp);
        };
        return start(s, (append ? "APPE " : "STOR ") + target, target, opening(s, target.name()), true,
                Transfer.receiveFile(file, s.ascii, s.config.minDataRate()), finish, cleanup);
    }

    /** RFC 1123 §4.1.2.9: STOU answers {@code 150 FILE: name}. */
    static Reply stou(FtpSession s, String arg) throws IOException {
        Reply refused = dataRefusal(s);
        if (refused != null) return refused;
        VirtualPath created;
        FileChannel file;
        try {
            created = s.files.createUnique(s.cwd, "ftp");
            file = s.files.openWrite(created, false, 0);
        } catch (IOException e) {
            return dropData(s, FtpReplies.error(e));
        }
        s.takeRestOffset();
        return start(s, "STOU " + created, created, Reply.of(150, "FILE: " + created.name()), true,
                Transfer.receiveFile(file, s.ascii, s.config.minDataRate()), null, () -> {
                    close(file);
                    deleteQuietly(s, created);
                });
    }

    static Reply list(FtpSession s, String arg) throws IOException {
        return listing(s, arg, "LIST");
    }

    static Reply nlst(FtpSession s, String arg) throws IOException {
        return listing(s, arg, "NLST");
    }

    static Reply mlsd(FtpSession s, String arg) throws IOException {
        return listing(s, arg, "MLSD");
    }

    private static Reply listing(FtpSession s, String arg, String verb) throws IOException {
        Reply refused = dataRefusal(s);
        if (refused != null) return refused;
        String path = verb.equals("MLSD") ? arg : withoutOptions(arg);
        VirtualPath p = path.isEmpty() ? s.cwd : s.resolve(path);
        Stream<String> lines;
        try {
            lines = lines(s, p, verb);
        } catch (IOException e) {
            return dropData(s, FtpReplies.error(e));
        }
        if (lines == null) return dropData(s, Reply.of(501, "MLSD needs a directory; use MLST for a file"));
        s.takeRestOffset();
        return start(s, verb + " " + p, null, Reply.of(150, "Here comes the directory listing"), false,
                Transfer.sendLines(lines), null, lines::close);
    }

    /**
     * The lines of a listing, made as they are sent (a directory of any size is never held whole);
     * null for MLSD of a file. The directory is opened here, so a missing or refused one is
     * answered (550) before any data connection. The caller closes the stream.
     */
    private static Stream<String> lines(FtpSession s, VirtualPath p, String verb) throws IOException {
        Stream<FileEntry> entries;
        if (!verb.equals("MLSD") && isPattern(p.name())) {
            // ftp(1)'s mget sends NLST *.txt: a wildcard in the last segment filters its directory
            Pattern glob = glob(p.name());
            entries = ordered(s.files.entries(p.parent())).filter(e -> glob.matcher(e.name()).matches());
        } else {
            FileEntry self = s.files.stat(p);
            if (!self.directory() && verb.equals("MLSD")) return null;
            entries = self.directory() ? ordered(s.files.entries(p)) : Stream.of(self);
        }
        // read on this (the control) thread: the session may change them while the lines are sent
        String owner = s.owner();
        Set<String> facts = s.mlstFacts;
        Instant now = Instant.now();
        return entries.filter(e -> !e.name().startsWith(FtpListing.UPLOAD_PREFIX)).map(e -> switch (verb) {
            case "NLST" -> e.name();
            case "MLSD" -> FtpListing.facts(e, facts, e.name());
            default -> FtpListing.listLine(e, owner, now);
        });
    }

    /**
     * A directory's entries sorted by name, as {@code ls} shows them, when it has at most
     * {@link #SORTED_UP_TO}; a larger one in the directory's own order, as it is read: sorting
     * would hold it whole. Reads (at most) that many entries now, on the control thread.
     */
    static Stream<FileEntry> ordered(Stream<FileEntry> entries) throws IOException {
        try {
            Iterator<FileEntry> it = entries.iterator();
            List<FileEntry> first = new ArrayList<>();
            while (first.size() < SORTED_UP_TO && it.hasNext()) first.add(it.next());
            if (!it.hasNext()) {
                entries.close();
                first.sort(Comparator.comparing(FileEntry::name));
                return first.stream();
            }
            Stream<FileEntry> rest = StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false);
            return Stream.concat(first.stream(), rest).onClose(entries::close);
        } catch (UncheckedIOException e) {
            entries.close();
            throw e.getCause();
        }
    }

    private static boolean isPattern(String name) {
        return name.indexOf('*') >= 0 || name.indexOf('?') >= 0;
    }

    /** A shell wildcard ({@code *}, {@code ?}) as a regular expression; everything else is literal. */
    static Pattern glob(String pattern) {
        StringBuilder b = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            if (ch == '*') b.append(".*");
            else if (ch == '?') b.append('.');
            else b.append(Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(b.toString(), Pattern.DOTALL);
    }

    /** Clients send {@code ls} options ({@code LIST -la}); they change nothing here. */
    static String withoutOptions(String arg) {
        String a = arg.trim();
        while (a.startsWith("-")) {
            int sp = a.indexOf(' ');
            a = sp < 0 ? "" : a.substring(sp + 1).trim();
        }
        return a;
    }

    /** RFC 3659 §7: one entry's facts over the control connection. */
    static Reply mlst(FtpSession s, String arg) {
        VirtualPath p = arg.isEmpty() ? s.cwd : s.resolve(arg);
        try {
            FileEntry e = s.files.stat(p);
            return Reply.verbatim(250, List.of("Listing " + p, " " + FtpListing.facts(e, s.mlstFacts, p.toString()), "End"));
        } catch (IOException e) {
            return FtpReplies.error(e);
        }
    }

    /**
     * RFC 959 §4.1.3 STAT: during a transfer its progress; without argument the session status;
     * with a path, its listing over the control connection (212 for a directory, 213 for a file).
     */
    static Reply stat(FtpSession s, String arg) {
        Transfer t = s.transfer;
        if (t != null && t.isRunning()) return Reply.of(213, "Status: " + t.status());
        if (arg.isEmpty()) {
            return Reply.verbatim(211, List.of("FTP server status:",
                    "     Connected to " + s.connection.remote().getAddress().getHostAddress(),
                    "     Logged in as " + s.owner(),
                    "     TYPE: " + (s.ascii ? "ASCII" : "BINARY") + ", STRUcture: File, MODE: Stream",
                    "     Control connection " + (s.connection.isSecure() ? "TLS, data PROT " + (s.protP ? "P" : "C") : "plain"),
                    "     Data connection " + (s.dataChannel == null ? "none" : s.dataChannel.describe()),
                    "End of status"));
        }
        VirtualPath p = s.resolve(withoutOptions(arg));
        try {
            boolean directory = s.files.stat(p).directory();
            List<String> lines = new ArrayList<>();
            lines.add("Status of " + p + ":");
            try (Stream<String> listed = lines(s, p, "LIST")) {
                listed.forEach(lines::add);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            lines.add("End of status");
            return Reply.verbatim(directory ? 212 : 213, lines);   // RFC 959 §4.2.2: directory / file status
        } catch (IOException e) {
            return FtpReplies.error(e);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** 425 when no PASV or PORT came first (the table has checked PROT P already). */
    private static Reply dataRefusal(FtpSession s) {
        return s.dataChannel == null ? FtpReplies.USE_PASV_OR_PORT : null;
    }

    private static Reply opening(FtpSession s, String what) {
        return Reply.of(150, "Opening " + (s.ascii ? "ASCII" : "BINARY") + " mode data connection for " + what);
    }

    /** @param file the file moved, or null for a listing (which counts as traffic but is no transfer event) */
    private static Reply start(FtpSession s, String what, VirtualPath file, Reply opening, boolean upload, Transfer.Body body,
                               Transfer.Finish finish, Runnable cleanup) throws IOException {
        Transfer.Protection protection = s.protP
                ? new Transfer.Protection(s.shared.tls(), s.connection.tlsSession(), s.config.tlsResumption())
                : null;
        s.startTransfer(new Transfer(s.toString(), what, s.takeDataChannel(), protection, s::send, opening, upload,
                body, finish, cleanup, ended(s, file, upload)));
        return null;
    }

    /**
     * What the transfer thread tells when it ends. The session's state is read here, on the
     * control thread, because the session may change it (a new TYPE) while the transfer runs.
     */
    private static Transfer.Ended ended(FtpSession s, VirtualPath file, boolean upload) {
        LineConnection c = s.connection;
        Events events = s.shared.listening().events();
        String path = file == null ? null : file.toString();
        String user = s.owner();
        boolean binary = !s.ascii, anonymous = s.anonymous, secure = s.protP;
        return (bytes, complete, start, took) -> {
            c.countTransfer(upload ? bytes : 0, upload ? 0 : bytes);
            if (path != null) {
                events.transfer(new Events.FileTransfer(start, took, c.remote().getAddress(), user, path, bytes,
                        upload, binary, anonymous, secure, complete));
            }
        };
    }

    /** A command that will not transfer still uses up the PASV/PORT it came with. */
    private static Reply dropData(FtpSession s, Reply r) {
        s.closeDataChannel();
        return r;
    }

    private static FileEntry statOrNull(FtpSession s, VirtualPath p) throws IOException {
        try {
            return s.files.stat(p);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void deleteQuietly(FtpSession s, VirtualPath p) {
        try {
            s.files.delete(p);
        } catch (IOException ignored) {
            // a leftover temporary file is harmless; it is hidden and named as such
        }
    }

    /** Closes a file whose transfer failed; what it held is being thrown away or was only read. */
    private static void close(FileChannel f) {
        try {
            f.close();
        } catch (IOException ignored) {
            // nothing was promised about this file's content
        }
    }
}
