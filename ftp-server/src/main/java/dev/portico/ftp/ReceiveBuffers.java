package dev.portico.ftp;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The large direct buffers that fast uploads read into, shared by all transfers of the process. Reading a
 * loopback upload 2 MiB at a time instead of 256 KiB took STOR from about 1.1 to 1.8 GB/s (docs/benchmarks.md,
 * "STOR: reads that grow"); at most {@link #MAX} such buffers ever exist, so memory stays bounded (32 MiB)
 * however many uploads run, and they are reused rather than left to the garbage collector, which frees
 * direct memory only when the heap happens to be collected.
 */
final class ReceiveBuffers {

    static final int SIZE = 2 << 20;
    static final int MAX = 16;

    /** Lock-free: an upload that found none asks again at each read that fills its small buffer. */
    private static final ConcurrentLinkedQueue<ByteBuffer> spare = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger made = new AtomicInteger();

    /** A cleared large buffer, or null when all {@link #MAX} are in use (the caller keeps its small one). */
    static ByteBuffer take() {
        ByteBuffer b = spare.poll();
        if (b != null || made.get() >= MAX) return b;   // all made and in use: two reads, no write
        if (made.incrementAndGet() <= MAX) return ByteBuffer.allocateDirect(SIZE);
        made.decrementAndGet();
        return null;
    }

    /** Returns a buffer from {@link #take}; the caller must not touch it afterwards. */
    static void give(ByteBuffer b) {
        b.clear();
        spare.offer(b);
    }

    /** How many large buffers exist, when no take is under way (for the test of the bound). */
    static int made() {
        return made.get();
    }

    private ReceiveBuffers() {
    }
}
