package dev.portico.core;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Platform threads kept for reuse, up to a cap: a thread that has finished its work waits
 * {@link #KEEP_ALIVE_SECONDS} for the next, so a short task costs a hand-over (one futex wake) and
 * not a {@code clone}, a stack mapping and its teardown. There is no queue: work starts at once on an
 * idle thread or a new one, or {@link #tryStart} says no and the caller runs it elsewhere (a virtual
 * thread). Idle threads end after the keep-alive, so a burst leaves no stacks behind for long.
 */
public final class PlatformThreads implements AutoCloseable {

    /** How long a thread with no work waits for more before it ends. */
    private static final long KEEP_ALIVE_SECONDS = 30;

    private final int max;
    /** Work running or handed over; counted here, not by the pool, so that a refusal costs no exception. */
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger made = new AtomicInteger();
    private final ThreadPoolExecutor pool;

    /**
     * @param idleName what an idle thread is called (thread dumps), numbered
     * @param max      the most threads at work at once
     */
    public PlatformThreads(String idleName, int max) {
        this.max = max;
        // no cap of the pool's own: a thread just done may not be waiting for work yet, and the pool
        // would refuse while fewer than max are at work; the count above is the cap
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, idleName + "-" + made.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Runs {@code work} at once on a platform thread named {@code name} while it runs (thread dumps
     * show the session); false, and nothing runs, when {@code max} threads are at work or this is closed.
     */
    public boolean tryStart(String name, Runnable work) {
        if (!reserve()) return false;
        try {
            pool.execute(named(name, work));
            return true;
        } catch (RejectedExecutionException e) {
            busy.decrementAndGet();   // closed
            return false;
        }
    }

    /**
     * Runs {@code work} as {@link #tryStart} does, but only on a thread that is waiting for work
     * now: false when none is. Work that may not need a platform thread at all takes one this way,
     * so that only work that does makes the pool grow.
     */
    public boolean tryStartIdle(String name, Runnable work) {
        if (!reserve()) return false;
        // The pool's queue hands over to a thread waiting in it, or refuses at once: it holds nothing.
        if (!pool.isShutdown() && pool.getQueue().offer(named(name, work))) return true;
        busy.decrementAndGet();
        return false;
    }

    /** Counts one more at work, unless {@code max} are. */
    private boolean reserve() {
        if (busy.incrementAndGet() <= max) return true;
        busy.decrementAndGet();
        return false;
    }

    private Runnable named(String name, Runnable work) {
        return () -> {
            Thread me = Thread.currentThread();
            String idle = me.getName();
            me.setName(name);
            try {
                work.run();
            } finally {
                me.setName(idle);
                busy.decrementAndGet();
            }
        };
    }

    /** Work running now (for tests). */
    public int busy() {
        return busy.get();
    }

    /** Lets idle threads end now; work still running finishes. */
    @Override
    public void close() {
        pool.shutdown();
    }
}
