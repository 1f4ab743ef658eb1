package dev.portico.core.mail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared state of one Maildir folder: which file has which UID, flags and mod-sequence. One
 * per folder directory in a process ({@link MaildirMailStore#index}); every view of the folder
 * reads it.
 * <p>
 * On disk it is Dovecot's {@code dovecot-uidlist}, version 3, so Dovecot pointed at the same tree
 * keeps the same UIDs: a header {@code 3 V<uidvalidity> N<uidnext> G<guid> M<highestmodseq>} and
 * one line per message, {@code <uid> M<modseq> T<internal date, epoch s> [W<size with CR LF>]
 * :<file name>}. {@code M} and {@code T} are Portico's (Dovecot allows any A-Z key and keeps them
 * when it rewrites the file); {@code W} is Dovecot's own, written only where the file name lacks
 * {@code ,W=}, so a restart never reads a message to learn its size. The file name is the one last
 * seen, flags included, so a flag changed by mutt while nothing ran still gets a new mod-sequence.
 * Keywords are in {@code dovecot-keywords} ({@code <n> <keyword>}, n = 0 for the file-name letter
 * {@code a}), as Dovecot keeps them.
 * <p>
 * Locking: one {@link ReentrantLock} per index in the process, and across processes Dovecot's dot
 * lock protocol: {@code dovecot-uidlist.lock} is made with O_EXCL, the new list written into it,
 * fsynced, and renamed over {@code dovecot-uidlist} (a lock older than two minutes, Dovecot's
 * stale time, is taken over). UIDs are only ever given while both are held and after re-reading a
 * list another process changed, so two Portico processes, or Portico and Dovecot, never give one
 * UID twice.
 */
final class FolderIndex {

    static final String UIDLIST = "dovecot-uidlist", KEYWORDS = "dovecot-keywords";
    private static final String LOCK = UIDLIST + ".lock", KEYWORDS_LOCK = KEYWORDS + ".lock";
    private static final long STALE_LOCK_MS = 120_000, LOCK_WAIT_MS = 10_000;
    private static final int MAX_KEYWORDS = 26;
    /** Maildir flag letters of the IMAP system flags, in the order the file name carries them. */
    private static final String SYSTEM_LETTERS = "DFRST";
    private static final List<String> SYSTEM_FLAGS =
            List.of(Folder.DRAFT, Folder.FLAGGED, Folder.ANSWERED, Folder.SEEN, Folder.DELETED);

    /** One message as the index knows it: where its file is and what the file name says. */
    record Entry(long uid, String base, String sub, String file, String letters, long size, long date, long modSeq) {
        Entry moved(String sub, String file) {
            return new Entry(uid, base, sub, file, lettersOf(file), size, date, modSeq);
        }
    }

    /** An immutable picture of the folder, shared by every view that took it. */
    record State(long version, long uidValidity, long uidNext, long highestModSeq, List<Folder.Message> messages,
                 Set<String> knownFlags, long unseen, long size) {}

    private final MaildirMailStore store;
    private final String user;
    final Path dir;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<Runnable> watchers = new CopyOnWriteArraySet<>();

    // guarded by lock
    private long uidValidity, nextUid = 1, highestModSeq = 1;
    private String guid;
    private final TreeMap<Long, Entry> byUid = new TreeMap<>();
    private final Map<String, Entry> byBase = new HashMap<>();
    private List<String> keywords = new ArrayList<>();
    private final Map<String, Set<String>> flagSets = new HashMap<>();
    private boolean loaded;
    private Object keywordsSeen;
    // read without the lock by the periodic scan
    private volatile Object uidlistSeen;
    private volatile FileTime newSeen, curSeen;
    /**
     * Whether new/ or cur/ had changed within one tick of the file system's clock of when it was
     * last listed: a file added in the same tick leaves the time as it was, so such a directory is
     * listed again. The tick: two seconds where times are whole seconds (Dovecot's rule), else
     * {@link #RACY_FINE_MS}, above the kernel's timer tick that Linux time stamps follow.
     */
    private volatile boolean newRacy, curRacy;
    private static final long RACY_COARSE_MS = 2_000, RACY_FINE_MS = 50;
    /** The highest UID the file on disk has a line for. */
    private long fileUpTo;
    /** Whether the file on disk is one this index read or wrote (a header at least). */
    private boolean fileValid;
    /**
     * Whether the file needs a rewrite: something other than new messages changed. New messages
     * alone are appended, as Dovecot does (a reader takes the highest UID seen over the header's
     * N), so a delivery into a folder of 10,000 does not write 10,000 lines.
     */
    private boolean rewrite;
    /**
     * Whether the pending write gives or takes UIDs and so must be fsynced. A write that only
     * records flags and mod-sequences is not: the flags are in the file names, and a list that a
     * crash took back to its earlier state only makes the next scan see those flags as changed.
     */
    private boolean durable;
    /** False after the list was re-read: where each file is (new/ or cur/) is known only after listing both. */
    private boolean located;
    private long version;
    private State state;
    /** Set by an in-process writer that does not go through this index (delivery, POP3). */
    private volatile boolean dirty = true;

    FolderIndex(MaildirMailStore store, String user, Path dir) {
        this.store = store;
        this.user = user;
        this.dir = dir;
    }

    /** Another writer in this process changed the folder: the next sync rescans it, and views wake. */
    void touched() {
        dirty = true;
        wake();
    }

    void wake() {
        for (Runnable r : watchers) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // one broken watcher must not keep the others from hearing of the change
            }
        }
    }

    AutoCloseable watch(Runnable wake) {
        Objects.requireNonNull(wake);
        watchers.add(wake);
        store.watching(this, true);
        return () -> {
            watchers.remove(wake);
            if (watchers.isEmpty()) store.watching(this, false);
        };
    }

    boolean watched() {
        return !watchers.isEmpty();
    }

    /** Whether new/, cur/ or the list changed on disk since this index last looked (the periodic scan). */
    boolean changedOnDisk() {
        return dirty || changed(dir.resolve("new"), newSeen, newRacy) || changed(dir.resolve("cur"), curSeen, curRacy)
                || !Objects.equals(fileKey(dir.resolve(UIDLIST)), uidlistSeen);
    }

    private static boolean racy(FileTime t, long now) {
        if (t == null) return false;
        boolean coarse = t.toInstant().getNano() == 0;
        return now - t.toMillis() < (coarse ? RACY_COARSE_MS : RACY_FINE_MS);
    }

    private static boolean changed(Path d, FileTime seen, boolean racy) {
        return racy || !Objects.equals(mtime(d), seen);
    }

    /** Brings the index up to date with the disk when anything changed, and returns the picture. */
    State sync() throws IOException {
        lock.lock();
        try {
            if (!loaded || changedOnDisk()) {
                try (Dotlock l = Dotlock.take(dir.resolve(LOCK))) {
                    boolean write = reload();
                    write |= scan();
                    finish(l, write);
                }
            }
            return state();
        } finally {
            lock.unlock();
        }
    }

    /** The picture as of the last sync, without looking at the disk. */
    State state() {
        lock.lock();
        try {
            if (state == null) state = build();
            return state;
        } finally {
            lock.unlock();
        }
    }

    private State build() {
        List<Folder.Message> list = new ArrayList<>(byUid.size());
        long unseen = 0, size = 0;
        for (Entry e : byUid.values()) {
            Set<String> flags = flags(e.letters);
            if (e.letters.indexOf('S') < 0) unseen++;
            size += e.size;
            list.add(new Folder.Message(e.uid, e.base, e.size, Instant.ofEpochSecond(e.date), flags, e.modSeq));
        }
        Set<String> known = new LinkedHashSet<>(SYSTEM_FLAGS);
        known.addAll(keywords);
        return new State(version, uidValidity, nextUid, highestModSeq, Collections.unmodifiableList(list),
                Collections.unmodifiableSet(known), unseen, size);
    }

    private Set<String> flags(String letters) {
        return flagSets.computeIfAbsent(letters, l -> {
            Set<String> s = new LinkedHashSet<>();
            for (int i = 0; i < l.length(); i++) {
                char c = l.charAt(i);
                int sys = SYSTEM_LETTERS.indexOf(c);
                if (sys >= 0) s.add(SYSTEM_FLAGS.get(sys));
                else if (c >= 'a' && c <= 'z' && c - 'a' < keywords.size()) s.add(keywords.get(c - 'a'));
            }
            return Collections.unmodifiableSet(s);
        });
    }

    /** The file of a message, or null when the index does not know the UID. */
    Path path(long uid) {
        lock.lock();
        try {
            Entry e = byUid.get(uid);
            return e == null ? null : dir.resolve(e.sub).resolve(e.file);
        } finally {
            lock.unlock();
        }
    }

    // ---- changes made through the index -------------------------------------------------------

    /** The result of a STORE: messages left alone (UNCHANGEDSINCE) and the changed ones as they are now. */
    record Stored(List<Long> left, List<Folder.Message> changed) {}

    Stored store(Collection<Long> uids, int mode, Set<String> flags, long unchangedSince) throws IOException {
        lock.lock();
        try (Dotlock l = Dotlock.take(dir.resolve(LOCK))) {
            boolean write = reload();
            write |= scan();
            List<Long> left = new ArrayList<>();
            List<Long> changedUids = new ArrayList<>();
            String wanted = letters(flags, mode >= 0);
            for (long uid : new TreeSet<>(uids)) {
                Entry e = byUid.get(uid);
                if (e == null) continue;
                if (unchangedSince >= 0 && e.modSeq > unchangedSince) {
                    left.add(uid);
                    continue;
                }
                String next = combine(e.letters, wanted, mode);
                if (next.equals(e.letters)) continue;
                String file = e.base + ":2," + next;
                try {
                    Files.move(dir.resolve(e.sub).resolve(e.file), dir.resolve("cur").resolve(file), StandardCopyOption.ATOMIC_MOVE);
                } catch (NoSuchFileException gone) {
                    dirty = true;       // removed or renamed behind us: the next sync finds out which
                    continue;
                }
                put(new Entry(e.uid, e.base, "cur", file, next, e.size, e.date, ++highestModSeq));
                changedUids.add(uid);
                write = true;
                rewrite = true;
            }
            finish(l, write);
            List<Folder.Message> changed = new ArrayList<>();
            if (!changedUids.isEmpty()) {
                State s = state();
                for (long uid : changedUids) changed.add(s.messages().get(MaildirFolder.indexOf(s.messages(), uid)));
                wake();
            }
            return new Stored(left, changed);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes messages: of {@code uids}, those that carry \Deleted (or all of them when
     * {@code deletedOnly} is false, MOVE). Returns the UIDs removed, ascending.
     */
    List<Long> expunge(Collection<Long> uids, boolean deletedOnly) throws IOException {
        lock.lock();
        try (Dotlock l = Dotlock.take(dir.resolve(LOCK))) {
            boolean write = reload();
            write |= scan();
            List<Long> gone = new ArrayList<>();
            for (long uid : new TreeSet<>(uids)) {
                Entry e = byUid.get(uid);
                if (e == null || (deletedOnly && e.letters.indexOf('T') < 0)) continue;
                Files.deleteIfExists(dir.resolve(e.sub).resolve(e.file));
                byUid.remove(uid);
                byBase.remove(e.base);
                gone.add(uid);
            }
            if (!gone.isEmpty()) {
                highestModSeq++;
                write = true;
                rewrite = true;
                durable = true;
            }
            finish(l, write);
            if (!gone.isEmpty()) wake();
            return gone;
        } finally {
            lock.unlock();
        }
    }

    /** A message to add: a file elsewhere, renamed (APPEND's tmp file) or linked (COPY) into this folder. */
    record Incoming(Path from, boolean rename, long fileSize, long size, Instant date, Set<String> flags) {}

    /** A batch of {@link #add} waiting for the thread that commits it. */
    private record Adding(List<Incoming> messages, CompletableFuture<List<Long>> uids) {}

    private final ConcurrentLinkedQueue<Adding> adding = new ConcurrentLinkedQueue<>();

    /**
     * Adds messages, durable when this returns; returns their UIDs in order.
     * <p>
     * Group commit, as {@link MaildirMailStore} does for new/: a batch is queued, and whichever
     * thread holds the lock next commits every batch queued by then under one dot lock, one
     * re-read and listing of the folder, one fsync per directory and one write of the list. Ten
     * sessions appending to one INBOX so wait for one commit each instead of for each other's.
     * Each batch stays all or nothing on its own (RFC 9051 6.4.7).
     */
    List<Long> add(List<Incoming> messages) throws IOException {
        Adding mine = new Adding(messages, new CompletableFuture<>());
        adding.add(mine);
        boolean committed = false;
        lock.lock();
        try {
            if (!mine.uids.isDone()) {
                commitAdding();
                committed = true;
            }
        } finally {
            lock.unlock();
        }
        if (committed) wake();
        try {
            return mine.uids.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    /** Commits every queued batch; completes each batch's future, with its UIDs or its failure. Holds the lock. */
    private void commitAdding() {
        List<Adding> batches = new ArrayList<>();
        for (Adding a; (a = adding.poll()) != null; ) batches.add(a);
        List<Adding> placed = new ArrayList<>();
        List<List<Long>> uidsOf = new ArrayList<>();
        try (Dotlock l = Dotlock.take(dir.resolve(LOCK))) {
            reload();
            scan();
            Set<Path> dirs = new HashSet<>();
            for (Adding batch : batches) {
                try {
                    uidsOf.add(place(batch.messages, dirs));
                    placed.add(batch);
                } catch (IOException | RuntimeException e) {
                    batch.uids.completeExceptionally(e);
                }
            }
            for (Path d : dirs) MaildirMailStore.fsyncDirectory(d);
            finish(l, true);
        } catch (Throwable e) {
            // no batch may be left waiting: a thread whose batch this was joins it without a timeout
            for (Adding batch : batches) batch.uids.completeExceptionally(e);
            if (e instanceof Error err) throw err;
            return;
        }
        for (int i = 0; i < placed.size(); i++) placed.get(i).uids.complete(uidsOf.get(i));
    }

    /** Moves or links one batch in and gives it UIDs; on failure takes the batch out again and throws. */
    private List<Long> place(List<Incoming> messages, Set<Path> dirs) throws IOException {
        List<Long> uids = new ArrayList<>();
        List<Path> made = new ArrayList<>();
        try {
            for (Incoming m : messages) {
                String letters = letters(m.flags, true);
                String base = store.newBase() + ",S=" + m.fileSize + ",W=" + m.size;
                String sub = letters.isEmpty() ? "new" : "cur";
                String file = letters.isEmpty() ? base : base + ":2," + letters;
                Path target = dir.resolve(sub).resolve(file);
                if (m.rename) Files.move(m.from, target, StandardCopyOption.ATOMIC_MOVE);
                else link(m.from, target);
                made.add(target);
                dirs.add(target.getParent());
                long date = m.date != null ? m.date.getEpochSecond() : System.currentTimeMillis() / 1000;
                long uid = nextUid++;
                put(new Entry(uid, base, sub, file, letters, m.size, date, ++highestModSeq));
                uids.add(uid);
                durable = true;
            }
            return uids;
        } catch (IOException | RuntimeException e) {
            // all or nothing (RFC 9051 6.4.7): the copies made so far go again
            for (Path p : made) Files.deleteIfExists(p);
            for (long uid : uids) byBase.remove(byUid.remove(uid).base);
            version++;
            state = null;
            throw e;
        }
    }

    /** Hard link where possible (COPY shares the file), else a copy made durable in tmp/ and renamed. */
    private void link(Path from, Path target) throws IOException {
        try {
            Files.createLink(target, from);
            return;
        } catch (NoSuchFileException e) {
            if (Files.exists(from)) throw e;
            // renamed by a flag change since the view looked: the same message under its new name
            from = renamed(from);
            try {
                Files.createLink(target, from);
                return;
            } catch (UnsupportedOperationException | FileSystemException again) {
                if (again instanceof NoSuchFileException) throw again;
            }
        } catch (UnsupportedOperationException | FileSystemException e) {
            // another file system, or no links: copy
        }
        Path tmp = dir.resolve("tmp").resolve(target.getFileName() + ".copy");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The file of the same message (its base name) in new/ or cur/ of its folder, or a NoSuchFileException. */
    private static Path renamed(Path from) throws IOException {
        String base = MaildirMailStore.uid(from.getFileName().toString());
        Path folder = from.getParent().getParent();
        for (String sub : new String[]{"cur", "new"}) {
            // a filter, not a glob: Maildir names may hold glob characters (a host name's \057)
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder.resolve(sub), p -> p.getFileName().toString().startsWith(base))) {
                for (Path p : files) if (MaildirMailStore.uid(p.getFileName().toString()).equals(base)) return p;
            } catch (NoSuchFileException e) {
                // folder gone
            }
        }
        throw new NoSuchFileException(from.toString());
    }

    // ---- reading and writing the disk ---------------------------------------------------------

    private void put(Entry e) {
        Entry old = byUid.put(e.uid, e);
        if (old != null && !old.base.equals(e.base)) byBase.remove(old.base);
        byBase.put(e.base, e);
    }

    /** Re-reads the list and the keywords when another process changed them. Returns whether the list must be written. */
    private boolean reload() throws IOException {
        boolean write = false;
        Path kw = dir.resolve(KEYWORDS);
        Object kwKey = fileKey(kw);
        if (!loaded || !Objects.equals(kwKey, keywordsSeen)) {
            keywords = readKeywords(kw);
            keywordsSeen = kwKey;
            flagSets.clear();
            state = null;
        }
        Path list = dir.resolve(UIDLIST);
        Object key = fileKey(list);
        if (loaded && Objects.equals(key, uidlistSeen)) return false;
        List<String> lines;
        try {
            lines = Files.readAllLines(list, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            lines = List.of();
        }
        byUid.clear();
        byBase.clear();
        fileUpTo = 0;
        rewrite = false;
        durable = false;
        fileValid = true;
        if (lines.isEmpty() || !parseHeader(lines.get(0))) {
            rewrite = true;
            durable = true;
            fileValid = false;
            uidValidity = store.newUidValidity();
            nextUid = 1;
            highestModSeq = Math.max(highestModSeq, 1);
            guid = newGuid();
            write = true;
        } else {
            boolean v1 = lines.get(0).startsWith("1 ");
            for (int i = 1; i < lines.size(); i++) {
                Entry e = parseRecord(lines.get(i), v1);
                if (e == null || byUid.containsKey(e.uid) || byBase.containsKey(e.base)) continue;
                if (e.uid >= nextUid) nextUid = e.uid + 1;
                fileUpTo = Math.max(fileUpTo, e.uid);
                if (e.modSeq > highestModSeq) highestModSeq = e.modSeq;
                put(e);
            }
        }
        uidlistSeen = key;
        loaded = true;
        located = false;
        version++;
        state = null;
        return write;
    }

    private boolean parseHeader(String line) {
        String[] f = line.split(" ");
        try {
            if (f[0].equals("1") && f.length >= 3) {
                uidValidity = Long.parseLong(f[1]);
                nextUid = Long.parseLong(f[2]);
                guid = newGuid();
                return uidValidity > 0;
            }
            if (!f[0].equals("3")) return false;
            uidValidity = 0;
            nextUid = 1;
            guid = null;
            for (int i = 1; i < f.length; i++) {
                if (f[i].isEmpty()) continue;
                String v = f[i].substring(1);
                switch (f[i].charAt(0)) {
                    case 'V' -> uidValidity = Long.parseLong(v);
                    case 'N' -> nextUid = Long.parseLong(v);
                    case 'G' -> guid = v;
                    case 'M' -> highestModSeq = Math.max(1, Long.parseLong(v));
                    default -> { }
                }
            }
            if (guid == null) guid = newGuid();
            return uidValidity > 0 && nextUid > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Entry parseRecord(String line, boolean v1) {
        try {
            int sp = line.indexOf(' ');
            if (sp <= 0) return null;
            long uid = Long.parseLong(line.substring(0, sp));
            String file;
            long modSeq = 0, date = -1, size = -1;
            if (v1) {
                file = line.substring(sp + 1).trim();
            } else {
                int colon = line.indexOf(':', sp);
                if (colon < 0) return null;
                file = line.substring(colon + 1);
                for (String ext : line.substring(sp + 1, colon).trim().split(" ")) {
                    if (ext.length() < 2) continue;
                    String v = ext.substring(1);
                    switch (ext.charAt(0)) {
                        case 'M' -> modSeq = Long.parseLong(v);
                        case 'T' -> date = Long.parseLong(v);
                        case 'W' -> size = Long.parseLong(v);
                        default -> { }
                    }
                }
            }
            if (uid <= 0 || file.isEmpty() || file.indexOf('/') >= 0) return null;
            String base = MaildirMailStore.uid(file);
            if (size < 0) size = MaildirMailStore.field(base, ",W=");
            return new Entry(uid, base, null, file, lettersOf(file), size, date, modSeq);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Lists new/ and cur/ and brings the entries in line: new files get the next UIDs, changed
     * flags a new mod-sequence, vanished files are expunged. Returns whether anything changed.
     */
    private boolean scan() throws IOException {
        boolean all = dirty || !located;
        dirty = false;
        long now = System.currentTimeMillis();
        FileTime newTime = mtime(dir.resolve("new")), curTime = mtime(dir.resolve("cur"));
        // a directory whose time did not change lost no file and got none: 10,000 messages in
        // cur/ are not listed again for each delivery into new/
        boolean listNew = all || changed(dir.resolve("new"), newSeen, newRacy) || newTime == null;
        boolean listCur = all || changed(dir.resolve("cur"), curSeen, curRacy) || curTime == null;
        boolean changed = false;
        Set<String> seen = new HashSet<>();
        List<String[]> fresh = new ArrayList<>();
        for (String sub : new String[]{"new", "cur"}) {
            if (!(sub.equals("new") ? listNew : listCur)) {
                for (Entry e : byUid.values()) if (sub.equals(e.sub)) seen.add(e.base);
                continue;
            }
            Path d = dir.resolve(sub);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
                for (Path p : files) {
                    String file = p.getFileName().toString();
                    if (file.startsWith(".")) continue;
                    String base = MaildirMailStore.uid(file);
                    if (!seen.add(base)) continue;      // caught mid-rename in both: the first is enough
                    Entry e = byBase.get(base);
                    if (e == null) {
                        fresh.add(new String[]{sub, file});
                    } else if (!sub.equals(e.sub) || !file.equals(e.file)) {
                        Entry m = e.moved(sub, file);
                        if (!m.letters.equals(e.letters)) {
                            m = new Entry(m.uid, m.base, m.sub, m.file, m.letters, m.size, m.date, ++highestModSeq);
                        }
                        if (!file.equals(e.file) || !m.letters.equals(e.letters)) {
                            changed = true;
                            rewrite = true;
                        }
                        put(m);
                    }
                }
            } catch (NoSuchFileException e) {
                // a folder deleted under its views: everything in it is gone
            }
        }
        if (listNew && listCur) located = true;
        List<Long> gone = new ArrayList<>();
        for (Entry e : byUid.values()) if (!seen.contains(e.base)) gone.add(e.uid);
        for (long uid : gone) byBase.remove(byUid.remove(uid).base);
        if (!gone.isEmpty()) {
            highestModSeq++;
            changed = true;
            rewrite = true;
            durable = true;
        }
        // sizes and dates the list lacked (written by Dovecot, or a message that arrived)
        for (Entry e : List.copyOf(byUid.values())) {
            if (e.size >= 0 && e.date >= 0) continue;
            Entry f = describe(e.uid, e.base, e.sub, e.file, e.modSeq);
            if (f == null) continue;
            put(f);
            changed = true;
            rewrite = true;
        }
        fresh.sort((a, b) -> arrivalOrder(a[1], b[1]));     // Maildir names start with the time: UIDs in arrival order
        for (String[] f : fresh) {
            Entry e = describe(nextUid, MaildirMailStore.uid(f[1]), f[0], f[1], highestModSeq + 1);
            if (e == null) continue;
            nextUid++;
            highestModSeq++;
            put(e);
            changed = true;
            durable = true;
        }
        if (listNew) {
            newSeen = newTime;
            newRacy = racy(newTime, now);
        }
        if (listCur) {
            curSeen = curTime;
            curRacy = racy(curTime, now);
        }
        if (changed) {
            version++;
            state = null;
        }
        return changed;
    }

    /**
     * Compares Maildir names with their runs of digits as numbers: {@code 1733.M99000P7Q9} came
     * before {@code 1733.M100000P7Q10}, which plain string order puts first (the microseconds
     * and the counter are not zero-padded, by us or by Dovecot).
     */
    static int arrivalOrder(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i), y = b.charAt(j);
            if (isDigit(x) && isDigit(y)) {
                int si = i, sj = j;
                while (si < a.length() && a.charAt(si) == '0') si++;
                while (sj < b.length() && b.charAt(sj) == '0') sj++;
                int ei = si, ej = sj;
                while (ei < a.length() && isDigit(a.charAt(ei))) ei++;
                while (ej < b.length() && isDigit(b.charAt(ej))) ej++;
                if (ei - si != ej - sj) return Integer.compare(ei - si, ej - sj);
                int c = a.substring(si, ei).compareTo(b.substring(sj, ej));
                if (c != 0) return c;
                i = ei;
                j = ej;
            } else {
                if (x != y) return Character.compare(x, y);
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** An entry with its size (with CR LF) and arrival time from the file, or null when it is gone. */
    private Entry describe(long uid, String base, String sub, String file, long modSeq) throws IOException {
        Path p = dir.resolve(sub).resolve(file);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            long size = store.sentSize(user, base, p, a.size());
            return new Entry(uid, base, sub, file, lettersOf(file), size, a.lastModifiedTime().toInstant().getEpochSecond(), modSeq);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Writes the list into the lock file and renames it into place, or just drops the lock. */
    private void finish(Dotlock l, boolean write) throws IOException {
        if (!write) return;
        Path list = dir.resolve(UIDLIST);
        if (!rewrite && fileValid && Objects.equals(fileKey(list), uidlistSeen)) {
            StringBuilder b = new StringBuilder();
            for (Entry e : byUid.tailMap(fileUpTo, false).values()) record(b, e);
            if (!b.isEmpty()) {
                try (FileChannel ch = FileChannel.open(list, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
                    while (buf.hasRemaining()) ch.write(buf);
                    if (durable) ch.force(true);
                }
            }
        } else {
            StringBuilder b = new StringBuilder(64 + byUid.size() * 80);
            b.append("3 V").append(uidValidity).append(" N").append(nextUid).append(" G").append(guid)
                    .append(" M").append(highestModSeq).append('\n');
            for (Entry e : byUid.values()) record(b, e);
            l.replace(list, b.toString().getBytes(StandardCharsets.UTF_8), durable);
        }
        if (!byUid.isEmpty()) fileUpTo = Math.max(fileUpTo, byUid.lastKey());
        rewrite = false;
        durable = false;
        fileValid = true;
        uidlistSeen = fileKey(list);
        version++;
        state = null;
    }

    private static void record(StringBuilder b, Entry e) {
        b.append(e.uid).append(" M").append(e.modSeq).append(" T").append(e.date);
        if (MaildirMailStore.field(e.base, ",W=") < 0 && e.size >= 0) b.append(" W").append(e.size);
        b.append(" :").append(e.file).append('\n');
    }

    // ---- flags and keywords ------------------------------------------------------------------

    /** The Maildir letters of a file name: what follows {@code :2,}. */
    static String lettersOf(String file) {
        int i = file.indexOf(":2,");
        return i < 0 ? "" : file.substring(i + 3);
    }

    /** The letters of a set of IMAP flags, keywords given letters (and written to the keywords file) as needed. */
    private String letters(Set<String> flags, boolean create) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String f : flags) {
            int sys = indexOfIgnoreCase(SYSTEM_FLAGS, f);
            if (sys >= 0) {
                b.append(SYSTEM_LETTERS.charAt(sys));
            } else if (f.startsWith("\\")) {
                // \Recent and unknown system flags are not stored
            } else {
                int k = indexOfIgnoreCase(keywords, f);
                if (k < 0 && !create) continue;     // removing a keyword the folder never had
                if (k < 0) k = addKeyword(f);
                b.append((char) ('a' + k));
            }
        }
        return sorted(b);
    }

    private static int indexOfIgnoreCase(List<String> list, String s) {
        for (int i = 0; i < list.size(); i++) if (list.get(i).equalsIgnoreCase(s)) return i;
        return -1;
    }

    /** {@code mode} +1 adds, -1 removes, 0 replaces; letters other than IMAP's (P, passed) stay. */
    private static String combine(String old, String wanted, int mode) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < old.length(); i++) {
            char c = old.charAt(i);
            boolean ours = SYSTEM_LETTERS.indexOf(c) >= 0 || (c >= 'a' && c <= 'z');
            if (mode > 0 || !ours || (mode < 0 && wanted.indexOf(c) < 0)) b.append(c);
        }
        if (mode >= 0) b.append(wanted);
        return sorted(b);
    }

    /** Maildir flags are kept in ASCII order, each once. */
    private static String sorted(CharSequence s) {
        return s.chars().sorted().distinct()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private int addKeyword(String keyword) throws IOException {
        for (int i = 0; i < keyword.length(); i++) {
            char c = keyword.charAt(i);
            if (c <= ' ' || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) throw new IllegalArgumentException("not a keyword: " + keyword);
        }
        try (Dotlock l = Dotlock.take(dir.resolve(KEYWORDS_LOCK))) {
            List<String> now = readKeywords(dir.resolve(KEYWORDS));
            int k = indexOfIgnoreCase(now, keyword);
            if (k < 0) {
                if (now.size() >= MAX_KEYWORDS) throw new IOException("no room for more keywords in this folder (" + MAX_KEYWORDS + ")");
                now = new ArrayList<>(now);
                now.add(keyword);
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < now.size(); i++) b.append(i).append(' ').append(now.get(i)).append('\n');
                l.replace(dir.resolve(KEYWORDS), b.toString().getBytes(StandardCharsets.UTF_8));
                k = now.size() - 1;
            }
            keywords = now;
            keywordsSeen = fileKey(dir.resolve(KEYWORDS));
            flagSets.clear();
            state = null;
            return k;
        }
    }

    private static List<String> readKeywords(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        }
        String[] slots = new String[MAX_KEYWORDS];
        int max = -1;
        for (String line : lines) {
            int sp = line.indexOf(' ');
            if (sp <= 0) continue;
            try {
                int n = Integer.parseInt(line.substring(0, sp));
                if (n < 0 || n >= MAX_KEYWORDS) continue;
                slots[n] = line.substring(sp + 1).trim();
                max = Math.max(max, n);
            } catch (NumberFormatException e) {
                // a line we do not understand is left out, as Dovecot does
            }
        }
        List<String> list = new ArrayList<>();
        // a hole would shift later letters: it is kept as a name no client can set
        for (int i = 0; i <= max; i++) list.add(slots[i] != null ? slots[i] : "\\Unused" + i);
        return list;
    }

    // ---- file helpers -------------------------------------------------------------------------

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return null;
        }
    }

    /** What tells one version of a file from the next: inode, size and time (a rename makes a new inode). */
    private static Object fileKey(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime());
        } catch (IOException e) {
            return null;
        }
    }

    private static String newGuid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format("%016x%016x", r.nextLong(), r.nextLong());
    }

    /**
     * Dovecot's dot lock: the lock file is made exclusively; the new content is written into it
     * and renamed over the target, which also releases it. Closing without a replace deletes it.
     */
    static final class Dotlock implements AutoCloseable {
        private final Path path;
        private boolean held = true;

        private Dotlock(Path path) {
            this.path = path;
        }

        static Dotlock take(Path path) throws IOException {
            long deadline = System.nanoTime() + LOCK_WAIT_MS * 1_000_000;
            while (true) {
                try {
                    Files.newByteChannel(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                    return new Dotlock(path);
                } catch (FileAlreadyExistsException e) {
                    FileTime t = mtime(path);
                    if (t != null && System.currentTimeMillis() - t.toMillis() > STALE_LOCK_MS) {
                        Files.deleteIfExists(path);     // its holder died (Dovecot's rule: two minutes)
                        continue;
                    }
                    if (System.nanoTime() > deadline) throw new IOException("folder index locked by another process: " + path);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("waiting for " + path);
                    }
                } catch (NoSuchFileException e) {
                    // the folder itself is gone: nothing to write, nothing to lock
                    return new Dotlock(null);
                }
            }
        }

        void replace(Path target, byte[] content) throws IOException {
            replace(target, content, true);
        }

        void replace(Path target, byte[] content, boolean durable) throws IOException {
            if (path == null) return;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) ch.write(b);
                if (durable) ch.force(true);
            }
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            held = false;
            if (durable) MaildirMailStore.fsyncDirectory(target.getParent());
        }

        @Override
        public void close() throws IOException {
            if (held && path != null) Files.deleteIfExists(path);
            held = false;
        }
    }

    static InputStream open(Path p) throws IOException {
        return new CrLfInputStream(Files.newInputStream(p));
    }
}
