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
 * list and close any session and count traffic per protocol. It also keeps the process's
 * descriptor pool: every server charges each session it admits the descriptors such a session
 * may hold ({@link Limits#descriptorsPerSession()}), and a connection that does not fit is
 * refused, so the servers together never take more descriptors than the process has, whatever
 * their {@code max-sessions} say.
 */
public final class SessionRegistry {

    /** Totals of one protocol since start. */
    public record ProtocolStats(String protocol, int live, long sessions, long bytesIn, long bytesOut) {}

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, LineConnection> live = new ConcurrentHashMap<>();
    private final Map<String, Totals> totals = new ConcurrentHashMap<>();
    private final int descriptorPool;
    private final AtomicInteger descriptorsCharged = new AtomicInteger();

    /** A registry whose pool is what the process's open-file limit leaves ({@link Descriptors#sessionPool()}). */
    public SessionRegistry() {
        this(Descriptors.sessionPool());
    }

    /** @param descriptorPool descriptors all sessions together may hold */
    public SessionRegistry(int descriptorPool) {
        if (descriptorPool < 1) throw new IllegalArgumentException("descriptorPool must be positive");
        this.descriptorPool = descriptorPool;
    }

    private static final class Totals {
        final LongAdder sessions = new LongAdder(), in = new LongAdder(), out = new LongAdder();
    }

    /** Takes {@code n} descriptors from the pool for a new session; false (nothing taken) when they do not fit. */
    boolean charge(int n) {
        while (true) {
            int now = descriptorsCharged.get();
            if (now + n > descriptorPool) return false;
            if (descriptorsCharged.compareAndSet(now, now + n)) return true;
        }
    }

    /** Gives back what {@link #charge(int)} took when the session ends. */
    void discharge(int n) {
        descriptorsCharged.addAndGet(-n);
    }

    /** Descriptors all sessions together may hold. */
    public int descriptorPool() {
        return descriptorPool;
    }

    /** Descriptors charged to live sessions now. */
    public int descriptorsCharged() {
        return descriptorsCharged.get();
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    void add(LineConnection c) {
        live.put(c.id(), c);
        totals.computeIfAbsent(c.protocol(), p -> new Totals()).sessions.increment();
    }

    void remove(LineConnection c) {
        if (live.remove(c.id()) != null) {
            Totals t = totals.computeIfAbsent(c.protocol(), p -> new Totals());
            t.in.add(c.bytesIn());
            t.out.add(c.bytesOut());
        }
    }

    /** Live sessions, oldest first. */
    public List<SessionInfo> sessions() {
        return live.values().stream()
                .map(c -> new SessionInfo(c.id(), c.protocol(), c.user(), c.remote(), c.started(),
                        c.lastActivity(), c.bytesIn(), c.bytesOut()))
                .sorted(Comparator.comparingLong(SessionInfo::id))
                .toList();
    }

    /** Closes a session; its protocol sees a closed socket. Returns false when no such session lives. */
    public boolean close(long id) {
        LineConnection c = live.get(id);
        if (c == null) return false;
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
