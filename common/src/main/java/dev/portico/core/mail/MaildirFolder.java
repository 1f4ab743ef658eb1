package dev.portico.core.mail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * One session's view of a Maildir folder: a copy of the {@link FolderIndex}'s message list as of
 * the last {@link #refresh()}, so message sequence numbers change only when the session says.
 */
final class MaildirFolder implements Folder {

    private final MaildirFolders folders;
    private final FolderIndex index;
    private final String name;
    private final boolean readOnly;
    private FolderIndex.State state;
    /** The snapshot: the index's own list until this view changes it (many idle views share one). */
    private List<Message> messages;
    private boolean owned;
    private long highestModSeq;
    /** Follows the view's own STOREs at once (a new keyword), others' at refresh. */
    private Set<String> knownFlags;

    MaildirFolder(MaildirFolders folders, FolderIndex index, String name, boolean readOnly) throws IOException {
        this.folders = folders;
        this.index = index;
        this.name = name;
        this.readOnly = readOnly;
        this.state = index.sync();
        this.messages = state.messages();
        this.highestModSeq = state.highestModSeq();
        this.knownFlags = state.knownFlags();
    }

    @Override public String name() { return name; }
    @Override public boolean readOnly() { return readOnly; }
    @Override public long uidValidity() { return state.uidValidity(); }
    @Override public long uidNext() { return state.uidNext(); }
    @Override public long highestModSeq() { return highestModSeq; }
    @Override public Set<String> knownFlags() { return knownFlags; }
    @Override public List<Message> messages() { return Collections.unmodifiableList(messages); }

    @Override
    public Changes refresh() throws IOException {
        FolderIndex.State now = index.sync();
        if (now.version() == state.version()) return new Changes(List.of(), List.of(), List.of());
        List<Long> expunged = new ArrayList<>();
        List<Message> added = new ArrayList<>(), changed = new ArrayList<>();
        List<Message> next = now.messages();
        int i = 0, j = 0;
        while (i < messages.size() || j < next.size()) {
            Message a = i < messages.size() ? messages.get(i) : null, b = j < next.size() ? next.get(j) : null;
            if (b == null || (a != null && a.uid() < b.uid())) {
                expunged.add(a.uid());
                i++;
            } else if (a == null || b.uid() < a.uid()) {
                added.add(b);
                j++;
            } else {
                if (a.modSeq() != b.modSeq() || !a.flags().equals(b.flags())) changed.add(b);
                i++;
                j++;
            }
        }
        state = now;
        messages = next;
        owned = false;
        highestModSeq = Math.max(highestModSeq, now.highestModSeq());
        knownFlags = now.knownFlags();
        return new Changes(expunged, added, changed);
    }

    @Override
    public InputStream content(long uid) throws IOException {
        if (indexOf(messages, uid) < 0) throw new NoSuchFileException(name + " has no UID " + uid);
        for (int attempt = 0; ; attempt++) {
            Path p = index.path(uid);
            if (p == null) throw new NoSuchFileException(name + " UID " + uid + " was expunged");
            try {
                return FolderIndex.open(p);
            } catch (NoSuchFileException e) {
                // renamed since the index looked (flags set by another program): look again, once
                if (attempt > 0) throw e;
                index.touched();
                index.sync();
            }
        }
    }

    @Override
    public List<Long> store(Collection<Long> uids, int mode, Set<String> flags, long unchangedSince) throws IOException {
        writable();
        FolderIndex.Stored r = index.store(known(uids), mode, flags, unchangedSince);
        for (Message m : r.changed()) {
            int at = indexOf(messages, m.uid());
            if (at >= 0) own().set(at, m);
            highestModSeq = Math.max(highestModSeq, m.modSeq());
        }
        knownFlags = index.state().knownFlags();
        return r.left();
    }

    @Override
    public List<Long> expunge(Collection<Long> uids) throws IOException {
        writable();
        List<Long> gone = index.expunge(uids == null ? known(uidsOf(messages)) : known(uids), true);
        forget(gone);
        return gone;
    }

    @Override
    public List<Long> copy(Collection<Long> uids, String target) throws IOException {
        FolderIndex to = folders.index(target);
        List<FolderIndex.Incoming> in = new ArrayList<>();
        for (long uid : new java.util.TreeSet<>(known(uids))) {
            Message m = messages.get(indexOf(messages, uid));
            Path p = index.path(uid);
            if (p == null) continue;        // expunged meanwhile: RFC 9051 lets COPY skip it
            long fileSize;
            try {
                fileSize = Files.size(p);
            } catch (NoSuchFileException e) {
                continue;
            }
            in.add(new FolderIndex.Incoming(p, false, fileSize, m.size(), m.internalDate(), m.flags()));
        }
        return to.add(in);
    }

    @Override
    public List<Long> move(Collection<Long> uids, String target) throws IOException {
        writable();
        List<Long> moving = new ArrayList<>(new java.util.TreeSet<>(known(uids)));
        List<Long> copied = copy(moving, target);
        forget(index.expunge(moving, false));
        return copied;
    }

    @Override
    public AutoCloseable watch(Runnable wake) {
        return index.watch(wake);
    }

    @Override
    public void close() {
        // the view holds no file or lock; watches are closed by their own handles
    }

    private List<Message> own() {
        if (!owned) {
            messages = new ArrayList<>(messages);
            owned = true;
        }
        return messages;
    }

    private void writable() throws IOException {
        if (readOnly) throw new AccessDeniedException(name + " is open read-only");
    }

    private void forget(List<Long> gone) {
        if (gone.isEmpty()) return;
        own().removeIf(m -> Collections.binarySearch(gone, m.uid()) >= 0);
        highestModSeq = Math.max(highestModSeq, index.state().highestModSeq());
    }

    /** The UIDs of {@code uids} this view has: a session acts only on messages it was told of. */
    private List<Long> known(Collection<Long> uids) {
        List<Long> k = new ArrayList<>(uids.size());
        for (long u : uids) if (indexOf(messages, u) >= 0) k.add(u);
        return k;
    }

    private static List<Long> uidsOf(List<Message> ms) {
        List<Long> l = new ArrayList<>(ms.size());
        for (Message m : ms) l.add(m.uid());
        return l;
    }

    /** Position of a UID in a list in UID order, or a negative number. */
    static int indexOf(List<Message> ms, long uid) {
        int lo = 0, hi = ms.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long u = ms.get(mid).uid();
            if (u < uid) lo = mid + 1;
            else if (u > uid) hi = mid - 1;
            else return mid;
        }
        return -(lo + 1);
    }
}
