package dev.portico.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Standard error through one writer thread that drops nothing, writing whatever has queued up in
 * one {@code write}: what logback's AsyncAppender around a ConsoleAppender did, minus a wake-up,
 * a format-and-write and a system call for every line. Under SMTP load (one INFO line per
 * message, thousands a second) that cost about a tenth of the server's CPU; here the writer, after
 * each write, lets lines gather for {@link #LINGER_MILLIS} before it looks again, so a busy server
 * pays one wake-up and one write per few milliseconds, and a quiet one still sees each line at once.
 *
 * <p>Events are prepared for deferred processing (message formatted, MDC copied) on the caller's
 * thread, as AsyncAppender does; a full queue ({@link #QUEUE_SIZE}) makes callers wait, so memory
 * stays bounded and no line is lost. {@link #stop()} writes what is still queued.
 */
final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    static final int QUEUE_SIZE = 8192;
    static final long LINGER_MILLIS = 5;

    private final BlockingQueue<ILoggingEvent> queue = new ArrayBlockingQueue<>(QUEUE_SIZE);
    private final List<ILoggingEvent> batch = new ArrayList<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    private Encoder<ILoggingEvent> encoder;
    private Thread writer;
    private volatile boolean stopping;
    private boolean failed;

    void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder for " + name);
            return;
        }
        byte[] header = encoder.headerBytes();
        if (header != null) write(header);
        writer = Thread.ofPlatform().daemon().name("portico-log-writer").unstarted(this::run);
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(event);
                break;
            } catch (InterruptedException e) {
                interrupted = true;         // the line is kept all the same; the flag is given back
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void run() {
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;                      // stop(): it writes what is left
            }
            writeBatch();
            try {
                Thread.sleep(LINGER_MILLIS);
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    /** Everything queued (and whatever {@link #batch} holds already), encoded, in one write. */
    private void writeBatch() {
        queue.drainTo(batch);
        for (ILoggingEvent e : batch) {
            byte[] b = encoder.encode(e);
            bytes.write(b, 0, b.length);
        }
        batch.clear();
        if (bytes.size() > 0) write(bytes.toByteArray());
        bytes.reset();
    }

    /** Through {@code System.err} as it is now (a test may have replaced it), flushed. */
    private void write(byte[] b) {
        try {
            System.err.write(b, 0, b.length);
            System.err.flush();
        } catch (RuntimeException e) {
            if (!failed) addError("cannot write to standard error", e);
            failed = true;
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) return;
        super.stop();                       // no more appends are taken
        stopping = true;
        writer.interrupt();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!writer.isAlive()) {
            writeBatch();
            byte[] footer = encoder.footerBytes();
            if (footer != null) write(footer);
        }
    }
}
