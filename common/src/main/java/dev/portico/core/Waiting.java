package dev.portico.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Where paused sessions wait for their next command without a thread ({@link CommandSession}):
 * one selector for every paused connection of the process, watched by one platform thread. When
 * a connection's bytes arrive, its idle timeout passes or it is closed, the connection is handed
 * back ({@link LineConnection#wake}) and its session goes on on a new virtual thread.
 *
 * <p>A paused connection costs a selection key and, with an idle timeout, a place in the deadline
 * set: about 150 bytes, where a blocked virtual thread held its stack, a read buffer and a timer.
 */
final class Waiting {

    private static final Logger log = LoggerFactory.getLogger(Waiting.class);
    private static final Waiting ROOM = new Waiting();

    /** Paused connections by when their idle timeout passes; only the room's thread touches it. */
    private final TreeSet<LineConnection> deadlines = new TreeSet<>(
            Comparator.comparingLong((LineConnection c) -> c.wakeAt).thenComparingLong(c -> c.pauseSeq));
    private final Queue<LineConnection> arriving = new ConcurrentLinkedQueue<>();
    private final Queue<LineConnection> closing = new ConcurrentLinkedQueue<>();
    private volatile Selector selector;
    private long seq;

    private Waiting() {}

    static Waiting room() {
        return ROOM;
    }

    /** Opens the selector and starts its thread if they are not yet: before a connection pauses, so that it cannot fail after. */
    void open() throws IOException {
        selector();
    }

    /** Takes a connection that has just paused (non-blocking, its session's thread gone); after {@link #open}. */
    void add(LineConnection c) {
        arriving.add(c);
        selector.wakeup();
    }

    /** A paused connection was closed: its session must wake to end. */
    void closed(LineConnection c) {
        closing.add(c);
        Selector s = selector;
        if (s != null) s.wakeup();
    }

    /** The selector, and its thread, made at the first pause: a process that never pauses has neither. */
    private synchronized Selector selector() throws IOException {
        if (selector == null) {
            selector = Selector.open();
            // A platform thread: a select blocks its carrier, and must never wait for one either.
            Thread.ofPlatform().daemon(true).name("portico-waiting").start(this::loop);
        }
        return selector;
    }

    private void loop() {
        List<LineConnection> ready = new ArrayList<>();
        List<LineConnection> expired = new ArrayList<>();
        while (true) {
            try {
                long timeout = deadlines.isEmpty() ? 0 : Math.max(1, deadlines.first().wakeAt - System.currentTimeMillis());
                selector.select(k -> {
                    k.cancel();
                    ready.add((LineConnection) k.attachment());
                }, timeout);
                for (LineConnection c : ready) deadlines.remove(c);
                for (LineConnection c; (c = closing.poll()) != null; ) {
                    deadlines.remove(c);
                    ready.add(c);
                }
                long now = System.currentTimeMillis();
                while (!deadlines.isEmpty() && deadlines.first().wakeAt <= now) {
                    LineConnection c = deadlines.pollFirst();
                    SelectionKey k = c.channel().keyFor(selector);
                    if (k != null) k.cancel();
                    expired.add(c);
                }
                // Deregisters the cancelled keys, so that a connection that pauses again can register anew.
                if (!ready.isEmpty() || !expired.isEmpty()) selector.selectNow(k -> { });
                for (LineConnection c : ready) c.wake(false);
                for (LineConnection c : expired) c.wake(true);
                ready.clear();
                expired.clear();
                for (LineConnection c; (c = arriving.poll()) != null; ) register(c);
            } catch (Throwable e) {
                // Never let the room die: its connections would wait for ever.
                log.error("paused sessions: {}", e.toString(), e);
                ready.clear();
                expired.clear();
            }
        }
    }

    private void register(LineConnection c) {
        SocketChannel ch = c.channel();
        try {
            ch.register(selector, SelectionKey.OP_READ, c);
        } catch (ClosedChannelException | CancelledKeyException e) {
            c.wake(false);   // closed while pausing: its thread finds it closed and ends the session
            return;
        }
        c.pauseSeq = ++seq;
        if (c.wakeAt > 0) deadlines.add(c);
    }
}
