package dev.portico.core.mail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A user's folders in Maildir++ layout: INBOX is {@code Maildir/} itself, {@code Archive/2026}
 * is {@code Maildir/.Archive.2026/} (names coded as {@link FolderNames} says), each folder with
 * {@code tmp/ new/ cur/}, the {@code maildirfolder} marker file Maildir++ asks for, and its own
 * {@code dovecot-uidlist}. Subscriptions are in {@code Maildir/subscriptions}, Dovecot's version 2
 * format ({@code V\t2}, a blank line, then one name a line with its levels separated by tabs).
 */
final class MaildirFolders implements MailFolders {

    static final String SUBSCRIPTIONS = "subscriptions";
    private static final Map<String, SpecialUse> SPECIAL = specialNames();

    private final MaildirMailStore store;
    private final String user;
    private final Path maildir;

    MaildirFolders(MaildirMailStore store, String user, Path maildir) {
        this.store = store;
        this.user = user;
        this.maildir = maildir;
    }

    private static Map<String, SpecialUse> specialNames() {
        Map<String, SpecialUse> m = new TreeMap<>();
        m.put("Sent", SpecialUse.SENT);
        m.put("Drafts", SpecialUse.DRAFTS);
        m.put("Trash", SpecialUse.TRASH);
        m.put("Junk", SpecialUse.JUNK);
        m.put("Archive", SpecialUse.ARCHIVE);
        return m;
    }

    /** Makes the special-use folders that are missing, subscribed (RFC 6154: every user has them). */
    void createSpecialUse() throws IOException {
        for (String name : SPECIAL.keySet()) {
            Path d = maildir.resolve(FolderNames.dirName(name));
            if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) continue;
            try {
                make(d);
                subscribe(name, true);
            } catch (FileAlreadyExistsException e) {
                // made by a concurrent first use
            }
        }
    }

    @Override
    public List<FolderInfo> list() throws IOException {
        TreeSet<String> names = new TreeSet<>(names().keySet());
        List<FolderInfo> out = new ArrayList<>();
        out.add(new FolderInfo(INBOX, null, hasChildren(names, INBOX)));
        for (String n : names) out.add(new FolderInfo(n, SPECIAL.get(n), hasChildren(names, n)));
        return out;
    }

    private static boolean hasChildren(TreeSet<String> names, String name) {
        String prefix = name + DELIMITER;
        String next = names.ceiling(prefix);
        return next != null && next.startsWith(prefix);
    }

    /** Every folder but INBOX, by its Maildir++ directory. */
    private Map<String, Path> names() throws IOException {
        Map<String, Path> m = new TreeMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(maildir, ".*")) {
            for (Path d : dirs) {
                String n = FolderNames.fromDirName(d.getFileName().toString());
                if (n != null && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) m.put(n, d);
            }
        } catch (NoSuchFileException e) {
            // no Maildir yet: INBOX only
        }
        return m;
    }

    /** The directory of a folder, whether or not it exists. */
    Path dir(String name) throws FolderNameException {
        String n = FolderNames.normalize(name);
        return n.equals(INBOX) ? maildir : maildir.resolve(FolderNames.dirName(n));
    }

    /** The directory of an existing folder. */
    private Path existing(String name) throws IOException {
        Path d = dir(name);
        if (d.equals(maildir)) {
            store.ensureMaildir(user);
            return d;
        }
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(FolderNames.normalize(name));
        return d;
    }

    FolderIndex index(String name) throws IOException {
        return store.index(user, existing(name));
    }

    @Override
    public void create(String name) throws IOException {
        String n = FolderNames.normalize(name);
        if (n.equals(INBOX)) throw new FileAlreadyExistsException(INBOX);
        store.ensureMaildir(user);
        makeSuperiors(n);
        make(dir(n));
    }

    /** The levels above a folder (RFC 9051 6.3.4), so a Maildir tool sees the whole hierarchy. */
    private void makeSuperiors(String n) throws IOException {
        int at = -1;
        while ((at = n.indexOf(DELIMITER, at + 1)) > 0) {
            String up = n.substring(0, at);
            if (up.equals(INBOX)) continue;
            Path d = dir(up);
            if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) continue;
            try {
                make(d);
            } catch (FileAlreadyExistsException e) {
                // made meanwhile
            }
        }
    }

    /** Makes a folder's directory; the mkdir of the folder itself is what fails when it exists. */
    private void make(Path d) throws IOException {
        Files.createDirectory(d);
        for (String sub : new String[]{"tmp", "new", "cur"}) Files.createDirectories(d.resolve(sub));
        Files.newByteChannel(d.resolve("maildirfolder"), StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
    }

    @Override
    public void delete(String name) throws IOException {
        String n = FolderNames.normalize(name);
        if (n.equals(INBOX)) throw new AccessDeniedException("INBOX cannot be deleted");
        Path d = existing(n);
        // Renamed out of sight first (as Dovecot does), so no one sees half a folder; a name
        // beginning with two dots is no folder name.
        Path trash = maildir.resolve("..deleted." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Files.move(d, trash, StandardCopyOption.ATOMIC_MOVE);
        FolderIndex gone = store.forget(d);
        deleteTree(trash);
        if (gone != null) gone.touched();
    }

    private static void deleteTree(Path top) throws IOException {
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                try {
                    Files.deleteIfExists(p);
                } catch (DirectoryNotEmptyException e) {
                    // a delivery raced into it: left for removeStaleTemporaries' owner to see
                }
            }
        }
    }

    @Override
    public void rename(String from, String to) throws IOException {
        String f = FolderNames.normalize(from), t = FolderNames.normalize(to);
        if (t.equals(INBOX) || Files.exists(dir(t), LinkOption.NOFOLLOW_LINKS)) throw new FileAlreadyExistsException(t);
        if (f.equals(INBOX)) {
            renameInbox(t);
            return;
        }
        if (t.startsWith(f + DELIMITER)) throw new FolderNameException("a folder cannot move below itself");
        existing(f);
        makeSuperiors(t);
        Map<String, Path> all = names();
        for (Map.Entry<String, Path> e : all.entrySet()) {
            String n = e.getKey();
            if (!n.equals(f) && !n.startsWith(f + DELIMITER)) continue;
            Path target = dir(t + n.substring(f.length()));
            Files.move(e.getValue(), target, StandardCopyOption.ATOMIC_MOVE);
            FolderIndex gone = store.forget(e.getValue());
            if (gone != null) gone.touched();
        }
        Set<String> subs = subscriptions();
        for (String s : subs) {
            if (s.equals(f) || s.startsWith(f + DELIMITER)) {
                subscribe(s, false);
                subscribe(t + s.substring(f.length()), true);
            }
        }
    }

    /** RENAME INBOX (RFC 9051 6.3.6): its messages move to a new folder, INBOX stays, empty. */
    private void renameInbox(String to) throws IOException {
        create(to);
        Path target = dir(to);
        Path inbox = existing(INBOX);
        for (String sub : new String[]{"new", "cur"}) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(inbox.resolve(sub))) {
                for (Path p : files) {
                    if (p.getFileName().toString().startsWith(".")) continue;
                    try {
                        Files.move(p, target.resolve(sub).resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                    } catch (NoSuchFileException e) {
                        // expunged meanwhile
                    }
                }
            }
            MaildirMailStore.fsyncDirectory(target.resolve(sub));
        }
        store.touched(inbox);
    }

    @Override
    public Set<String> subscriptions() throws IOException {
        Set<String> out = new TreeSet<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(maildir.resolve(SUBSCRIPTIONS), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        }
        boolean v2 = lines.size() >= 2 && lines.get(0).equals("V\t2") && lines.get(1).isEmpty();
        for (int i = v2 ? 2 : 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) continue;
            String name = v2 ? unescape(line) : line;
            try {
                out.add(FolderNames.normalize(name));
            } catch (FolderNameException e) {
                // a name we could never serve stays in the file for whoever wrote it
            }
        }
        return out;
    }

    @Override
    public void subscribe(String name, boolean on) throws IOException {
        String n = FolderNames.normalize(name);
        store.ensureMaildir(user);
        synchronized (store.userLock(user)) {
            try (FolderIndex.Dotlock l = FolderIndex.Dotlock.take(maildir.resolve(SUBSCRIPTIONS + ".lock"))) {
                Set<String> subs = subscriptions();
                if (on ? !subs.add(n) : !subs.remove(n)) return;
                StringBuilder b = new StringBuilder("V\t2\n\n");
                for (String s : subs) b.append(s.replace(DELIMITER, '\t')).append('\n');
                l.replace(maildir.resolve(SUBSCRIPTIONS), b.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Dovecot's tab-escaping: levels split by tabs, \001 followed by 1, t, r or n for the escaped byte. */
    private static String unescape(String line) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') b.append(DELIMITER);
            else if (c == '\001' && i + 1 < line.length()) {
                char e = line.charAt(++i);
                b.append(switch (e) { case '1' -> '\001'; case 't' -> '\t'; case 'r' -> '\r'; case 'n' -> '\n'; default -> e; });
            } else b.append(c);
        }
        return b.toString();
    }

    @Override
    public Folder open(String name, boolean readOnly) throws IOException {
        String n = FolderNames.normalize(name);
        return new MaildirFolder(this, index(n), n, readOnly);
    }

    @Override
    public long[] append(String folder, InputStream message, Set<String> flags, Instant internalDate) throws IOException {
        FolderIndex index = index(folder);
        Path tmp = index.dir.resolve("tmp").resolve(store.newBase() + ".append");
        try {
            long[] sizes;
            try {
                sizes = MaildirMailStore.write(message, FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (NoSuchFileException e) {
                Files.createDirectories(tmp.getParent());       // tmp/ cleaned away by hand
                sizes = MaildirMailStore.write(message, FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            }
            Instant date = internalDate != null ? internalDate : Instant.now();
            Files.setLastModifiedTime(tmp, FileTime.from(date));
            List<Long> uid = index.add(List.of(new FolderIndex.Incoming(tmp, true, sizes[0], sizes[1], date, flags)));
            return new long[]{index.state().uidValidity(), uid.get(0)};
        } catch (IOException e) {
            throw dev.portico.core.StorageFullException.classify(e, tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public Folder.Status status(String name) throws IOException {
        FolderIndex.State s = index(name).sync();
        return new Folder.Status(s.messages().size(), s.uidNext(), s.uidValidity(), s.unseen(), s.highestModSeq(), s.size());
    }
}
