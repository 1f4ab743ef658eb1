package dev.portico.core;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every live session of every server in the process, shared by all of them, so the shell can
 * list and close any session and count traffic per protocol. It also holds the servers together
 * to the process's session pool ({@link Descriptors}): a connection over it, or one coming while
 * the process is short of descriptors, is refused with its protocol's refusal line, whatever the
 * servers' {@code max-sessions} say, so that descriptors do not run out.
 */
public final class SessionRegistry {

    /** Totals of one protocol since start. */
    public record ProtocolStats(String protocol, int live, long sessions, long bytesIn, long bytesOut) {}

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, LineConnection> live = new ConcurrentHashMap<>();
    private final Map<String, Totals> totals = new ConcurrentHashMap<>();
    private final int pool;
    private final AtomicInteger admitted = new AtomicInteger();

    /** A registry whose pool is what the process's open-file limit allows ({@link Descriptors#sessionPool()}). */
    public SessionRegistry() {
        this(Descriptors.sessionPool());
    }

    /** @param pool sessions all servers together may hold */
    public SessionRegistry(int pool) {
        if (pool < 1) throw new IllegalArgumentException("pool must be positive");
        this.pool = pool;
    }
    private volatile WireTap tap;

    private static final class Totals {
        final LongAdder sessions = new LongAdder(), in = new LongAdder(), out = new LongAdder();
    }

    /**
     * Takes a place in the pool for a new connection; {@link #leave()} gives it back. Returns null,
     * or why there is none. Past a quarter of the pool the process's free descriptors are
     * checked too: below that, even sessions holding {@link Descriptors#MOST_PER_SESSION}
     * descriptors each fit in what the pool leaves of the limit.
     */
    String admit() {
        int n = admitted.incrementAndGet();
        String refused = n > pool ? "session pool of " + pool + " full"
                : n > pool / Descriptors.MOST_PER_SESSION && !Descriptors.admitsAnother()
                ? "fewer than " + Descriptors.reserve() + " file descriptors free" : null;
        if (refused != null) admitted.decrementAndGet();
        return refused;
    }

    /** Gives back the place {@link #admit()} took when the connection ends. */
    void leave() {
        admitted.decrementAndGet();
    }

    /** Sessions all servers together may hold. */
    public int pool() {
        return pool;
    }

    /** Places taken in the pool now (live sessions, and connections about to become sessions). */
    public int admitted() {
        return admitted.get();
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    /**
     * Shows every connection accepted from now on to {@code tap} (null: none), for wire transcripts
     * in tests. Connections already open are not seen.
     */
    public void tap(WireTap tap) {
        this.tap = tap;
    }

    void add(LineConnection c) {
        WireTap t = tap;
        if (t != null) c.recorder(t.opened(c));
        live.put(c.id(), c);
        totals.computeIfAbsent(c.protocol(), p -> new Totals()).sessions.increment();
    }

    /** Called when the session's thread has finished with the connection. */
    void remove(LineConnection c) {
        WireTap.Recorder r = c.recorder();
        if (r != null) r.closed();
        unlist(c);
    }

    /** Takes a session off the list once, counting its bytes into its protocol's totals. */
    private boolean unlist(LineConnection c) {
        if (!live.remove(c.id(), c)) return false;
        Totals t = totals.computeIfAbsent(c.protocol(), p -> new Totals());
        t.in.add(c.bytesIn());
        t.out.add(c.bytesOut());
        return true;
    }

    /** Live sessions, oldest first. */
    public List<SessionInfo> sessions() {
        return live.values().stream()
                .map(c -> new SessionInfo(c.id(), c.protocol(), c.user(), c.remote(), c.started(),
                        c.lastActivity(), c.bytesIn(), c.bytesOut()))
                .sorted(Comparator.comparingLong(SessionInfo::id))
                .toList();
    }

    /**
     * Closes a session; its protocol sees a closed socket. The session leaves the list at once,
     * not when its thread gets round to ending, so a second close or a listing right after sees
     * it gone. Returns false when no such session lives (or another caller closed it first).
     */
    public boolean close(long id) {
        LineConnection c = live.get(id);
        if (c == null || !unlist(c)) return false;
        c.close();
        return true;
    }

    /** Per-protocol totals, live sessions' bytes included. */
    public List<ProtocolStats> stats() {
        return totals.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
            String p = e.getKey();
            List<LineConnection> now = live.values().stream().filter(c -> c.protocol().equals(p)).toList();
            long in = e.getValue().in.sum() + now.stream().mapToLong(LineConnection::bytesIn).sum();
            long out = e.getValue().out.sum() + now.stream().mapToLong(LineConnection::bytesOut).sum();
            return new ProtocolStats(p, now.size(), e.getValue().sessions.sum(), in, out);
        }).toList();
    }

    public int size() {
        return live.size();
    }
}
