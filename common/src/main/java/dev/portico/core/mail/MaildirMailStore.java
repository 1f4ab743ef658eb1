package dev.portico.core.mail;

import dev.portico.core.ByteScan;
import dev.portico.core.Leftovers;
import dev.portico.core.StorageFullException;
import dev.portico.core.auth.User;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Standard Maildir under {@code ROOT/NAME/Maildir/{tmp,new,cur}}, so other tools can read it.
 * A message is written once into {@code tmp/} and fsynced, then renamed into its one recipient's
 * {@code new/}, or hard-linked into each of several recipients' (copied where links are
 * impossible), and the {@code new/} directories are fsynced, concurrent deliveries sharing one
 * fsync of a directory (see {@code DirectorySync}). Messages keep
 * their CR LF line endings, so POP3 serves them byte for byte. File names follow the Maildir
 * convention with Courier's {@code ,S=size} and Dovecot's {@code ,W=size} (the size with CR LF
 * line ends, what POP3 reports): {@code 1732245600.M123456P4242Q7.host,S=2048,W=2048}. Files other
 * programs put there may end their lines with a bare LF; their sizes are counted as POP3 sends them.
 */
public final class MaildirMailStore implements MailStore {

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();
    private static final String HOST = hostName();

    private final Path root;
    private final Set<String> locked = ConcurrentHashMap.newKeySet();
    /** Mailboxes whose tmp/, new/ and cur/ deliveries have seen made. */
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();
    /** One group commit per new/ directory delivered to. */
    private final Map<Path, DirectorySync> syncs = new ConcurrentHashMap<>();
    /**
     * Bounds {@link #ensured} and {@link #syncs}, which a catch-all server grows by every name mail
     * is sent to. Both are caches: emptying one costs a mkdir check or a shared fsync, never
     * correctness (a delivery holding a dropped {@code DirectorySync} still fsyncs after its entry).
     */
    private static final int MAILBOX_CACHE_MAX = 10_000;
    /**
     * Orders this process's own entries in a Maildir's {@code tmp/}. A delivery's create there and
     * its rename or removal out of it all take the kernel's lock of {@code tmp/} for writing, and
     * with many deliveries to one mailbox at once the kernel spins for that lock while its holder
     * runs: a tenth of the server's CPU at 200 SMTP sessions on two cores
     * ({@code rwsem_down_write_slowpath} and {@code osq_lock} under perf), where a Java lock parks
     * the waiter instead. Striped by mailbox. It only orders; nothing depends on it for
     * correctness, and other programs writing to the same Maildir are not ordered by it and need
     * not be.
     */
    private final ReentrantLock[] tmpLocks = new ReentrantLock[64];
    /** Sizes with CR LF line ends of files whose names lack {@code ,W=}: user/uid to {file size, size}. */
    private final Map<String, long[]> sentSizes = new ConcurrentHashMap<>();
    private static final int SIZE_CACHE_MAX = 100_000;
    /** Files read to learn their size with CR LF line ends (tests count them: listings must not read). */
    final AtomicLong sizeReads = new AtomicLong();

    /** The IMAP folder indexes in use, by folder directory: one per folder, so one lock per folder. */
    private final Map<Path, FolderIndex> indexes = new ConcurrentHashMap<>();
    private static final int INDEX_CACHE_MAX = 10_000;
    /** Users whose special-use folders this process made sure of. */
    private final Set<String> specialUse = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> userLocks = new ConcurrentHashMap<>();
    private final AtomicLong lastUidValidity = new AtomicLong();
    /** Folders someone watches (IDLE): polled for other programs' changes only while in this set. */
    private final Set<FolderIndex> watched = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService poller;            // guarded by watched
    private ScheduledFuture<?> polling;                 // guarded by watched
    private final Duration pollInterval;

    /**
     * @param root the folder of the mailboxes; made with the first mailbox, so that a start (a
     *             test toolkit starts one per test) writes nothing
     */
    public MaildirMailStore(Path root) throws IOException {
        this(root, Duration.ofSeconds(1));
    }

    /**
     * @param pollInterval how often folders that someone watches are checked (directory times
     *                     only) for changes made by other programs
     */
    public MaildirMailStore(Path root, Duration pollInterval) throws IOException {
        this.root = root;
        this.pollInterval = pollInterval;
        for (int i = 0; i < tmpLocks.length; i++) tmpLocks[i] = new ReentrantLock();
    }

    private interface TmpStep<T> { T run() throws IOException; }

    /** Runs a step that adds an entry to or takes one from a user's {@code tmp/}, ordered by {@link #tmpLocks}. */
    private <T> T inTmp(String user, TmpStep<T> step) throws IOException {
        ReentrantLock order = tmpLocks[Math.floorMod(user.hashCode(), tmpLocks.length)];
        order.lock();
        try {
            return step.run();
        } finally {
            order.unlock();
        }
    }

    /** The Maildir folder of a user. */
    public Path maildir(String user) {
        if (!User.isValidName(user)) throw new IllegalArgumentException("invalid mailbox name: " + user);
        return root.resolve(user).resolve("Maildir");
    }

    private Path ensure(String user) throws IOException {
        Path m = maildir(user);
        for (String d : new String[]{"tmp", "new", "cur"}) Files.createDirectories(m.resolve(d));
        return m;
    }

    /**
     * {@link #ensure} once per mailbox for deliveries: creating directories that exist costs a
     * failed mkdir and its exception three times over, per message. A Maildir removed behind our
     * back is made again where a delivery finds it missing ({@link #create}, {@link #place}).
     */
    private Path ensured(String user) throws IOException {
        if (ensured.contains(user)) return maildir(user);
        Path m = ensure(user);
        if (ensured.size() >= MAILBOX_CACHE_MAX) ensured.clear();
        ensured.add(user);
        return m;
    }

    /** A delivery found a directory missing: the mailbox is made again. */
    private Path reensure(String user) throws IOException {
        ensured.remove(user);
        return ensured(user);
    }

    @Override
    public void deliver(Collection<String> users, InputStream message) throws IOException {
        List<String> targets = List.copyOf(new LinkedHashSet<>(users));
        if (targets.isEmpty()) throw new IllegalArgumentException("no recipients");
        String base = newBase();
        Path tmp = null;
        boolean renamed = false;
        List<Path> created = new ArrayList<>();
        try {
            Path file = ensured(targets.get(0)).resolve("tmp").resolve(base);
            FileChannel ch = create(targets.get(0), file);
            tmp = file;
            long[] sizes = write(message, ch);
            // S= is the file's size (Courier), W= its size with CR LF line ends (Dovecot): what POP3 reports
            String name = base + ",S=" + sizes[0] + ",W=" + sizes[1];
            if (targets.size() == 1) {
                // One recipient: the file itself moves into new/ (maildir(5) allows rename for link+unlink),
                // one directory operation fewer than a link and an unlink.
                Path target = maildir(targets.get(0)).resolve("new").resolve(name);
                move(targets.get(0), tmp, target);
                renamed = true;
                created.add(target);
            } else {
                for (String user : targets) {
                    Path dir = ensured(user);
                    Path target = dir.resolve("new").resolve(name);
                    place(user, tmp, dir, target);
                    created.add(target);
                }
            }
            if (syncs.size() >= MAILBOX_CACHE_MAX) syncs.clear();
            for (Path p : created) syncs.computeIfAbsent(p.getParent(), DirectorySync::new).sync();
            for (String user : targets) touched(maildir(user));
        } catch (IOException e) {
            for (Path p : created) Files.deleteIfExists(p);
            // told apart now, while the partial tmp/ file still holds its space
            throw StorageFullException.classify(e, tmp != null ? tmp : root);
        } catch (RuntimeException e) {
            for (Path p : created) Files.deleteIfExists(p);
            throw e;
        } finally {
            // linked into every recipient's new/, or failed
            if (tmp != null && !renamed) {
                Path done = tmp;
                inTmp(targets.get(0), () -> Files.deleteIfExists(done));
            }
        }
    }

    /** Creates {@code tmp}, a new file in {@code user}'s {@code tmp/}, making the Maildir again when it was removed. */
    private FileChannel create(String user, Path tmp) throws IOException {
        return inTmp(user, () -> {
            try {
                return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                reensure(user);
                return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
        });
    }

    private void move(String user, Path tmp, Path target) throws IOException {
        inTmp(user, () -> {
            try {
                return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                if (!Files.exists(tmp)) throw e;
                reensure(user);
                return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        });
    }

    /** Writes, fsyncs and closes the message; returns its size on disk and its size with CR LF line ends. */
    static long[] write(InputStream in, FileChannel file) throws IOException {
        try (FileChannel ch = file) {
            // Most mail fits the small buffer; zeroing 64 KiB for each of thousands of messages a
            // second costs more than the larger buffer saves, so it is taken only for large ones.
            byte[] buf = new byte[16 * 1024];
            long total = 0;
            CrLfSize sent = new CrLfSize();
            // readNBytes fills the buffer across the parts of a SequenceInputStream (Return-Path,
            // trace headers, text): one write for a small message, not one per part.
            for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) ch.write(b);
                total += n;
                sent.add(buf, n);
                if (n == buf.length && buf.length < 64 * 1024) buf = new byte[64 * 1024];
            }
            ch.force(true);
            return new long[]{total, sent.total()};
        }
    }

    /** Hard link where possible (one inode for all recipients), else a copy fsynced and renamed. */
    private void place(String user, Path tmp, Path maildir, Path target) throws IOException {
        try {
            try {
                Files.createLink(target, tmp);
            } catch (NoSuchFileException e) {
                if (!Files.exists(tmp)) throw e;
                reensure(user);
                Files.createLink(target, tmp);
            }
            return;
        } catch (UnsupportedOperationException | FileSystemException e) {
            // different file system or no links: fall through to a copy
        }
        Path copy = maildir.resolve("tmp").resolve(target.getFileName() + ".copy");
        Files.copy(tmp, copy, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Group commit of one directory's entries: a delivery that finished its rename or link asks
     * for a sync; one fsync of the directory covers every entry made before it started, so the
     * deliveries that waited on the lock meanwhile find their entry already durable and return at
     * once. No thread of its own and no timer: under no concurrency it is one fsync per delivery.
     */
    private static final class DirectorySync {
        private final Path dir;
        private final ReentrantLock lock = new ReentrantLock();
        private final AtomicLong made = new AtomicLong();
        private long synced;            // guarded by lock

        DirectorySync(Path dir) {
            this.dir = dir;
        }

        /** Returns once every entry this thread made in the directory before calling is durable. */
        void sync() throws IOException {
            long mine = made.incrementAndGet();
            lock.lock();
            try {
                if (synced >= mine) return;
                long upTo = made.get();     // every entry counted by now was made before the fsync starts
                fsyncDirectory(dir);
                synced = upTo;
            } finally {
                lock.unlock();
            }
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open directories; the rename is still done.
            if (!(e instanceof AccessDeniedException)) throw e;
        }
    }

    /**
     * Deletes files in every mailbox's {@code tmp/} (and its Maildir++ folders' {@code tmp/}) last
     * modified more than {@code age} ago. A delivery's file lives in {@code tmp/} only while it
     * is written; one that stays was left by a crash. The Maildir convention (maildir(5)) is to
     * clean what is older than 36 hours, which also spares other programs' deliveries in progress.
     */
    public Leftovers removeStaleTemporaries(Duration age) throws IOException {
        long cutoff = System.currentTimeMillis() - age.toMillis();
        Leftovers removed = Leftovers.NONE;
        List<Path> tmps = new ArrayList<>();
        if (!Files.isDirectory(root)) return removed;      // no mailbox made yet
        try (DirectoryStream<Path> users = Files.newDirectoryStream(root)) {
            for (Path user : users) {
                Path maildir = user.resolve("Maildir");
                if (!Files.isDirectory(maildir, LinkOption.NOFOLLOW_LINKS)) continue;
                tmps.add(maildir.resolve("tmp"));
                try (DirectoryStream<Path> folders = Files.newDirectoryStream(maildir, ".*")) {
                    for (Path folder : folders) tmps.add(folder.resolve("tmp"));
                }
            }
        }
        for (Path tmp : tmps) {
            if (!Files.isDirectory(tmp, LinkOption.NOFOLLOW_LINKS)) continue;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
                for (Path f : files) {
                    BasicFileAttributes a;
                    try {
                        a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException e) {
                        continue;
                    }
                    if (a.isRegularFile() && a.lastModifiedTime().toMillis() < cutoff && Files.deleteIfExists(f)) {
                        removed = removed.plusFile(a.size());
                    }
                }
            }
        }
        return removed;
    }

    @Override
    public List<String> mailboxes() throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(root)) return names;        // no mailbox made yet
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (User.isValidName(name) && Files.isDirectory(d.resolve("Maildir"), LinkOption.NOFOLLOW_LINKS)) {
                    names.add(name);
                }
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public Mailbox open(String user, boolean exclusive) throws IOException {
        Path dir = ensure(user);
        if (exclusive && !locked.add(user)) throw new MailboxInUseException(user);
        try {
            return new MaildirMailbox(user, dir, exclusive);
        } catch (IOException | RuntimeException e) {
            if (exclusive) locked.remove(user);
            throw e;
        }
    }

    private final class MaildirMailbox implements Mailbox {
        private final String user;
        private final boolean exclusive;
        private final Map<String, Path> files = new HashMap<>();
        private final List<MessageInfo> messages = new ArrayList<>();
        private boolean closed;

        MaildirMailbox(String user, Path dir, boolean exclusive) throws IOException {
            this.user = user;
            this.exclusive = exclusive;
            List<MessageInfo> found = new ArrayList<>();
            for (String sub : new String[]{"new", "cur"}) {
                try (Stream<Path> s = Files.list(dir.resolve(sub))) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        String name = p.getFileName().toString();
                        if (name.startsWith(".")) continue;
                        try {
                            String uid = uid(name);
                            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                            files.put(uid, p);
                            found.add(new MessageInfo(uid, sentSize(user, uid, p, a.size()), a.lastModifiedTime().toInstant(),
                                    sub.equals("cur")));
                        } catch (NoSuchFileException e) {
                            // removed by someone else while we looked
                        }
                    }
                }
            }
            found.sort(Comparator.comparing(MessageInfo::received).thenComparing(MessageInfo::uid, FolderIndex::arrivalOrder));
            messages.addAll(found);
        }

        @Override
        public List<MessageInfo> messages() {
            return List.copyOf(messages);
        }

        private Path path(String uid) throws NoSuchFileException {
            Path p = files.get(uid);
            if (p == null) throw new NoSuchFileException(uid);
            return p;
        }

        @Override
        public InputStream content(String uid) throws IOException {
            return Files.newInputStream(path(uid));
        }

        @Override
        public void markSeen(Collection<String> uids) throws IOException {
            for (String uid : uids) {
                Path p = path(uid);
                String name = p.getFileName().toString();
                String flags = name.contains(":2,") ? name.substring(name.indexOf(":2,") + 3) : "";
                if (p.getParent().getFileName().toString().equals("cur") && flags.contains("S")) continue;
                String newFlags = (flags + "S").chars().sorted().distinct()
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
                Path target = p.getParent().resolveSibling("cur").resolve(uid + ":2," + newFlags);
                Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
                files.put(uid, target);
            }
            if (!uids.isEmpty()) touched(maildir(user));
        }

        @Override
        public void delete(Collection<String> uids) throws IOException {
            if (!exclusive) throw new UnsupportedOperationException("a shared mailbox cannot delete");
            Set<String> gone = new HashSet<>();
            try {
                for (String uid : uids) {
                    Files.deleteIfExists(path(uid));
                    files.remove(uid);
                    gone.add(uid);
                }
            } finally {
                // one pass, not one per message: a QUIT after DELE of 10,000 messages stays linear
                messages.removeIf(m -> gone.contains(m.uid()));
                if (!gone.isEmpty()) touched(maildir(user));
            }
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            if (exclusive) locked.remove(user);
        }
    }

    // ---- IMAP folders ------------------------------------------------------------------------

    @Override
    public MailFolders folders(String user) throws IOException {
        MaildirFolders f = new MaildirFolders(this, user, ensureMaildir(user));
        if (!specialUse.contains(user)) {
            f.createSpecialUse();
            specialUse.add(user);
        }
        return f;
    }

    Path ensureMaildir(String user) throws IOException {
        return ensured(user);
    }

    Object userLock(String user) {
        return userLocks.computeIfAbsent(user, u -> new Object());
    }

    /** The index of a folder directory, made on first use. */
    FolderIndex index(String user, Path dir) {
        FolderIndex i = indexes.get(dir);
        if (i != null) return i;
        if (indexes.size() >= INDEX_CACHE_MAX) {
            // a bound, not an LRU: an index no one watches is rebuilt from its file when asked again
            indexes.values().removeIf(x -> !x.watched());
        }
        return indexes.computeIfAbsent(dir, d -> new FolderIndex(this, user, d));
    }

    /** Drops the index of a folder deleted or renamed; returns it, so its views can be woken. */
    FolderIndex forget(Path dir) {
        return indexes.remove(dir);
    }

    /** A writer that bypasses the index (delivery, POP3, RENAME INBOX) changed a folder. */
    void touched(Path dir) {
        FolderIndex i = indexes.get(dir);
        if (i != null) i.touched();
    }

    /** UIDVALIDITY of a new folder index: the time, as Dovecot does, but never the same twice in a process. */
    long newUidValidity() {
        long now = System.currentTimeMillis() / 1000;
        return lastUidValidity.updateAndGet(last -> Math.max(last + 1, now));
    }

    /** A new Maildir base name (maildir(5): time, unique part, host). */
    String newBase() {
        long now = System.currentTimeMillis();
        return (now / 1000) + ".M" + (now % 1000) * 1000 + "P" + PID + "Q" + SEQUENCE.incrementAndGet() + "." + HOST;
    }

    void watching(FolderIndex index, boolean on) {
        synchronized (watched) {
            if (on) watched.add(index);
            else watched.remove(index);
            if (!watched.isEmpty() && polling == null) {
                if (poller == null) {
                    poller = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "portico-maildir-watch");
                        t.setDaemon(true);
                        return t;
                    });
                }
                long ms = Math.max(1, pollInterval.toMillis());
                polling = poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
            } else if (watched.isEmpty() && polling != null) {
                polling.cancel(false);
                polling = null;
            }
        }
    }

    /** Wakes the watchers of folders whose directories changed: other programs' deliveries and renames. */
    private void poll() {
        for (FolderIndex i : watched) {
            try {
                if (i.changedOnDisk()) i.wake();
            } catch (RuntimeException e) {
                // a folder removed while polled: its views learn it on their next refresh
            }
        }
    }

    /** The digits at {@code from} as a number (at most 18 of them), or -1. */
    private static long leadingNumber(String name, int from) {
        int end = from;
        while (end < name.length() && end - from < 18 && Character.isDigit(name.charAt(end))) end++;
        return end > from ? Long.parseLong(name.substring(from, end)) : -1;
    }

    static String uid(String fileName) {
        int colon = fileName.indexOf(':');
        return colon < 0 ? fileName : fileName.substring(0, colon);
    }

    /**
     * A message's size as POP3 sends it (RFC 1939 §11: LIST and STAT give the size with CR LF line
     * ends, before dot-stuffing). Free when the name carries Dovecot's {@code ,W=} (ours do);
     * otherwise (Postfix, procmail, older Portico files) the file is read once and the result kept
     * while the file keeps its size: Maildir files are never rewritten, only renamed, so the uid is key.
     */
    long sentSize(String user, String uid, Path p, long fileSize) throws IOException {
        long w = field(uid, ",W=");
        if (w >= 0) return w;
        String key = user + "/" + uid;
        long[] known = sentSizes.get(key);
        if (known != null && known[0] == fileSize) return known[1];
        CrLfSize sent = new CrLfSize();
        sizeReads.incrementAndGet();
        try (InputStream in = Files.newInputStream(p)) {
            // sized to the file (one more octet to see its end), not 64 KiB for every 10 KiB
            // message: a first listing of 10,000 files zeroed 640 MB of buffers
            byte[] buf = new byte[(int) Math.min(64 * 1024, fileSize + 1)];
            for (int n; (n = in.read(buf)) > 0; ) sent.add(buf, n);
        }
        if (sentSizes.size() >= SIZE_CACHE_MAX) sentSizes.clear();   // a bound, not an LRU: recounting is cheap enough
        sentSizes.put(key, new long[]{fileSize, sent.total()});
        return sent.total();
    }

    /** The number after {@code tag} ({@code ,W=}) in a Maildir base name, or -1. */
    static long field(String uid, String tag) {
        int s = uid.indexOf(tag);
        return s < 0 ? -1 : leadingNumber(uid, s + tag.length());
    }

    /**
     * Counts octets as POP3's dot-stuffing writer sends them before the terminating dot: a bare LF
     * goes out as CR LF, and a last line without a line end gets one (RFC 1939 §3).
     */
    static final class CrLfSize {
        private long total;
        private int last = -1;

        void add(byte[] b, int len) {
            total += ByteScan.bareLineFeeds(b, 0, len, last);
            total += len;
            if (len > 0) last = b[len - 1] & 0xff;
        }

        long total() {
            if (last < 0 || last == '\n') return total;
            return total + (last == '\r' ? 1 : 2);
        }
    }

    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = Files.readString(Path.of("/etc/hostname")).trim();
            } catch (IOException | UncheckedIOException e) {
                h = "localhost";
            }
        }
        if (h.isBlank()) h = "localhost";
        // Maildir: '/' and ':' cannot appear in the host part.
        return h.replace("/", "\\057").replace(":", "\\072");
    }
}
