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
    public static final long KEEP_ALIVE_SECONDS = 30;

    private final String idleName;
    private final AtomicInteger made = new AtomicInteger();
    private final ThreadPoolExecutor pool;

    /**
     * @param idleName what an idle thread is called (thread dumps), numbered
     * @param max      the most threads at work at once
     */
    public PlatformThreads(String idleName, int max) {
        this.idleName = idleName;
        this.pool = new ThreadPoolExecutor(0, max, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
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
        try {
            pool.execute(() -> {
                Thread me = Thread.currentThread();
                String idle = me.getName();
                me.setName(name);
                try {
                    work.run();
                } finally {
                    me.setName(idle);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Threads at work now (for tests). */
    public int busy() {
        return pool.getActiveCount();
    }

    /** Lets idle threads end now; work still running finishes. */
    @Override
    public void close() {
        pool.shutdown();
    }

    @Override
    public String toString() {
        return idleName + " (" + pool.getPoolSize() + " threads, " + pool.getActiveCount() + " at work)";
    }
}
