package dev.portico.ftp;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform threads transfers run on, one server's worth. A transfer needs a platform thread
 * (see {@link Transfer#start}), but a new one per transfer cost a {@code clone}, a stack mapping
 * and its teardown for every LIST and every small RETR: a client session of a login, a listing and
 * one small file made two. Here a thread that has finished a transfer waits a while for the next
 * one. There is no queue and no cap: every transfer starts at once on an idle thread or a new one,
 * as before (the number of transfers is bounded by the sessions, and a waiting transfer could
 * not be aborted); idle threads end after {@link #KEEP_ALIVE_SECONDS}.
 */
final class TransferThreads implements AutoCloseable {

    /** How long a thread with no transfer waits for another one before it ends. */
    static final long KEEP_ALIVE_SECONDS = 30;
    private static final String IDLE_NAME = "ftp-data-idle";

    private final AtomicInteger made = new AtomicInteger();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, IDLE_NAME + "-" + made.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    /** Runs {@code work} at once on a platform thread named {@code name} while it runs (thread dumps show the session). */
    void start(String name, Runnable work) {
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
        } catch (RejectedExecutionException e) {
            // closed while a session was still starting one (a server stopping): a thread of its own, as it always had
            Thread.ofPlatform().daemon(true).name(name).start(work);
        }
    }

    /** Lets idle threads end now; a transfer still running finishes (the sessions bound it by their grace). */
    @Override
    public void close() {
        pool.shutdown();
    }
}
