package dev.portico.telnet;

import dev.portico.core.Refusal;
import dev.portico.core.fs.FileEntry;
import dev.portico.core.fs.FileStore;
import dev.portico.core.fs.FileStores;
import dev.portico.core.fs.VirtualPath;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.InvalidPathException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.List;

/**
 * File commands over the user's jailed {@link FileStore}, the same one FTP uses: the home
 * directory is "/", and a path that climbs above it is refused, never clamped.
 */
final class ShellFileCommands {

    private static final int CHUNK = 8192;
    private static final int MAX_LINES = 100_000;
    /** tail reads at most this much from the end of a file. */
    private static final int TAIL_WINDOW = 4 << 20;

    private ShellFileCommands() {}

    /**
     * What the user typed, resolved against the current directory. Climbing above the home
     * directory is an error here (the virtual path would silently stop at "/").
     *
     * @throws Refusal for an empty path or one with a NUL byte
     */
    static VirtualPath path(TelnetSession s, String typed) throws AccessDeniedException {
        if (typed.isEmpty()) throw s.refuse("empty path");
        String p = typed.replace('\\', '/');
        int depth = p.startsWith("/") ? 0 : s.cwd.segments().size();
        for (String seg : p.split("/")) {
            if (seg.equals("..")) {
                if (--depth < 0) throw new AccessDeniedException(typed, null, "outside the user's root");
            } else if (!seg.isEmpty() && !seg.equals(".")) {
                depth++;
            }
        }
        try {
            return s.cwd.resolve(typed);
        } catch (InvalidPathException e) {        // what resolve throws for a NUL byte the user typed
            throw s.refuse(e.getMessage());
        }
    }

    /**
     * A path the user names for something the command writes (mkdir, the target of mv and cp, a
     * saved attachment).
     *
     * @throws Refusal for a name reserved for upload temporaries: FTP and the HTTP API hide them
     *         and a start deletes them as a crash's leftovers, so a file so named would vanish
     */
    static VirtualPath writable(TelnetSession s, VirtualPath p) {
        if (FileStores.isUploadTemporary(p.name())) {
            throw s.refuse(p.name() + ": names starting with " + FileStores.UPLOAD_PREFIX + " are reserved");
        }
        return p;
    }

    static ShellReply pwd(TelnetSession s, String arg) {
        return ShellReply.of(s.cwd.toString());
    }

    static ShellReply cd(TelnetSession s, String arg) throws IOException {
        List<String> a = ShellWords.texts(arg);
        if (a.size() > 1) return ShellReply.of("usage: cd [DIR]");
        VirtualPath target = a.isEmpty() ? VirtualPath.ROOT : path(s, a.get(0));
        if (!s.files.stat(target).directory()) throw new NotDirectoryException(target.toString());
        s.cwd = target;
        return ShellReply.NONE;
    }

    static ShellReply ls(TelnetSession s, String arg) throws IOException {
        boolean longFormat = false;
        String where = null;
        for (String w : ShellWords.texts(arg)) {
            if (w.equals("-l")) longFormat = true;
            else if (w.startsWith("-")) return ShellReply.of("ls: unknown option " + w + " (only -l)");
            else if (where == null) where = w;
            else return ShellReply.of("usage: ls [-l] [PATH]");
        }
        VirtualPath dir = where == null ? s.cwd : path(s, where);
        FileEntry self = s.files.stat(dir);
        List<FileEntry> entries = self.directory() ? s.files.list(dir) : List.of(self);
        if (longFormat) {
            List<String> out = new ArrayList<>();
            for (FileEntry e : entries) out.add(longLine(e));
            return ShellReply.of(out);
        }
        List<String> names = entries.stream().map(e -> e.directory() ? e.name() + "/" : e.name()).toList();
        return ShellReply.of(columns(names, s.width()));
    }

    static String longLine(FileEntry e) {
        return String.format("%s%s %12d %s %s", e.directory() ? "d" : "-", e.writable() ? "rw" : "r-", e.size(),
                ShellCommands.TIME.format(e.modified()), e.directory() ? e.name() + "/" : e.name());
    }

    /** Names in columns, down then across like ls, as many as fit in {@code width} (from NAWS). */
    static List<String> columns(List<String> names, int width) {
        if (names.isEmpty()) return List.of();
        int widest = names.stream().mapToInt(String::length).max().orElse(1) + 2;
        int cols = Math.max(1, Math.min(names.size(), width / widest));
        int rows = (names.size() + cols - 1) / cols;
        List<String> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            StringBuilder b = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                int i = c * rows + r;
                if (i >= names.size()) break;
                String n = names.get(i);
                boolean last = c == cols - 1 || (c + 1) * rows + r >= names.size();
                b.append(last ? n : n + " ".repeat(widest - n.length()));
            }
            out.add(b.toString());
        }
        return out;
    }

    static ShellReply cat(TelnetSession s, String arg) throws IOException {
        List<String> a = ShellWords.texts(arg);
        if (a.isEmpty()) return ShellReply.of("usage: cat FILE...");
        for (String name : a) {
            if (s.interrupted()) break;
            VirtualPath p = path(s, name);
            try (FileChannel ch = s.files.openRead(p)) {
                if (!stream(s, name, ch, Long.MAX_VALUE)) return ShellReply.NONE;
            }
        }
        return ShellReply.NONE;
    }

    /**
     * Streams up to {@code maxLines} lines of a file to the client in chunks, checking for an
     * interrupt between chunks: memory stays bounded whatever the file size. Refuses binary files.
     *
     * @return false when the file was binary
     */
    private static boolean stream(TelnetSession s, String name, FileChannel ch, long maxLines) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long lines = 0;
        int last = '\n';
        boolean first = true;
        while (!s.interrupted() && lines < maxLines) {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) break;
            byte[] b = buf.array();
            if (first) {
                first = false;
                for (int i = 0; i < n; i++) {
                    if (b[i] == 0) {
                        s.out().println(name + ": binary file, " + ch.size() + " bytes (not shown)");
                        return false;
                    }
                }
            }
            int end = n;
            for (int i = 0; i < n; i++) {
                if (b[i] == '\n' && ++lines == maxLines) { end = i + 1; break; }
            }
            if (end > 0) {
                s.out().data(b, 0, end);
                last = b[end - 1];
            }
            s.out().flush();
        }
        if (last != '\n') s.out().print("\n");
        return true;
    }

    /** Reads {@code -n N} or {@code -N} and the file name. */
    private record LinesArg(int lines, String file) {}

    private static LinesArg linesArg(TelnetSession s, String verb, String arg) {
        List<String> a = ShellWords.texts(arg);
        int n = 10;
        int i = 0;
        if (a.size() >= 2 && a.get(0).equals("-n")) {
            n = count(s, a.get(1));
            i = 2;
        } else if (!a.isEmpty() && a.get(0).matches("-[0-9]+")) {
            n = count(s, a.get(0).substring(1));
            i = 1;
        }
        if (a.size() != i + 1) throw s.refuse("usage: " + verb + " [-n N] FILE");
        return new LinesArg(n, a.get(i));
    }

    private static int count(TelnetSession s, String text) {
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0 || n > MAX_LINES) throw s.refuse("line count must be 0 to " + MAX_LINES + ": " + text);
        return n;
    }

    static ShellReply head(TelnetSession s, String arg) throws IOException {
        LinesArg a = linesArg(s, "head", arg);
        if (a.lines() == 0) return ShellReply.NONE;
        try (FileChannel ch = s.files.openRead(path(s, a.file()))) {
            stream(s, a.file(), ch, a.lines());
        }
        return ShellReply.NONE;
    }

    static ShellReply tail(TelnetSession s, String arg) throws IOException {
        LinesArg a = linesArg(s, "tail", arg);
        if (a.lines() == 0) return ShellReply.NONE;
        try (FileChannel ch = s.files.openRead(path(s, a.file()))) {
            long size = ch.size();
            int window = (int) Math.min(size, TAIL_WINDOW);
            ByteBuffer buf = ByteBuffer.allocate(window);
            ch.position(size - window);
            while (buf.hasRemaining() && ch.read(buf) >= 0) { /* fill */ }
            byte[] b = buf.array();
            int n = buf.position();
            int end = n > 0 && b[n - 1] == '\n' ? n - 1 : n;
            int start = end, found = 0;
            while (start > 0) {
                if (b[start - 1] == '\n' && ++found == a.lines()) break;
                start--;
            }
            for (int i = start; i < n; i++) {
                if (b[i] == 0) return ShellReply.of("tail: " + a.file() + ": binary file (not shown)");
            }
            s.out().data(b, start, n - start);
            if (n > start && b[n - 1] != '\n') s.out().print("\n");
        }
        return ShellReply.NONE;
    }

    static ShellReply mkdir(TelnetSession s, String arg) throws IOException {
        List<String> a = ShellWords.texts(arg);
        if (a.isEmpty()) return ShellReply.of("usage: mkdir DIR...");
        for (String d : a) s.files.createDirectory(writable(s, path(s, d)));
        return ShellReply.NONE;
    }

    static ShellReply rm(TelnetSession s, String arg) throws IOException {
        List<String> a = ShellWords.texts(arg);
        if (a.isEmpty()) return ShellReply.of("usage: rm PATH...");
        for (String f : a) {
            VirtualPath p = path(s, f);
            if (p.isRoot()) return ShellReply.of("rm: refusing to remove your home directory");
            s.files.delete(p);
        }
        return ShellReply.NONE;
    }

    static ShellReply mv(TelnetSession s, String arg) throws IOException {
        return fromTo(s, arg, "mv", s.files::rename);
    }

    static ShellReply cp(TelnetSession s, String arg) throws IOException {
        return fromTo(s, arg, "cp", s.files::copy);
    }

    private interface FromTo {
        void apply(VirtualPath from, VirtualPath to) throws IOException;
    }

    private static ShellReply fromTo(TelnetSession s, String arg, String verb, FromTo op) throws IOException {
        List<String> a = ShellWords.texts(arg);
        if (a.size() != 2) return ShellReply.of("usage: " + verb + " FROM TO");
        VirtualPath from = path(s, a.get(0)), to = writable(s, intoDirectory(s, from, path(s, a.get(1))));
        op.apply(from, to);
        return ShellReply.NONE;
    }

    /** {@code mv a.txt docs} means docs/a.txt when docs is a directory, as in a shell. */
    private static VirtualPath intoDirectory(TelnetSession s, VirtualPath from, VirtualPath to) {
        try {
            if (s.files.stat(to).directory() && !from.isRoot()) return to.child(from.name());
        } catch (IOException e) {
            // does not exist yet: it is the new name
        }
        return to;
    }

    static ShellReply stat(TelnetSession s, String arg) throws IOException {
        List<String> a = ShellWords.texts(arg);
        if (a.size() != 1) return ShellReply.of("usage: stat PATH");
        VirtualPath p = path(s, a.get(0));
        FileEntry e = s.files.stat(p);
        return ShellReply.of(
                "  Path: " + p,
                "  Type: " + (e.directory() ? "directory" : "file"),
                "  Size: " + e.size() + " bytes",
                "Modified: " + ShellCommands.TIME.format(e.modified()) + " UTC",
                "Access: " + (e.writable() ? "read-write" : "read-only"));
    }

    static ShellReply du(TelnetSession s, String arg) throws IOException {
        List<String> a = ShellWords.texts(arg);
        if (a.size() > 1) return ShellReply.of("usage: du [PATH]");
        VirtualPath root = a.isEmpty() ? s.cwd : path(s, a.get(0));
        long[] totals = new long[3];      // bytes, files, directories
        walk(s, root, 0, totals);
        String note = s.interrupted() ? " (interrupted)" : totals[1] + totals[2] >= 100_000 ? " (stopped at 100000 entries)" : "";
        return ShellReply.of(String.format("%d bytes in %d files, %d directories: %s%s",
                totals[0], totals[1], totals[2], root, note));
    }

    private static void walk(TelnetSession s, VirtualPath p, int depth, long[] totals) throws IOException {
        FileEntry e = s.files.stat(p);
        if (!e.directory()) {
            totals[0] += e.size();
            totals[1]++;
            return;
        }
        totals[2]++;
        if (depth > 64) return;
        for (FileEntry c : s.files.list(p)) {
            if (s.interrupted() || totals[1] + totals[2] >= 100_000) return;
            if (c.directory()) walk(s, p.child(c.name()), depth + 1, totals);
            else { totals[0] += c.size(); totals[1]++; }
        }
    }
}
