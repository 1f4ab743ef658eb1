package dev.portico.telnet;

import dev.portico.core.LineConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server end of one NVT: option negotiation, the input thread, the key queue, interrupts,
 * and what the client told us about its window (NAWS) and terminal (TTYPE).
 *
 * <p>The input thread runs the {@link TelnetCodec} over the raw bytes, answers negotiation and
 * AYT at once, turns IP / BRK / AO / Ctrl-C into an interrupt of the running command, and queues
 * the rest as key events for the session thread. The queue is bounded, so a flood of typing
 * blocks the sender (TCP back-pressure), not memory.
 */
final class TelnetTerminal implements TelnetCodec.Listener, TelnetOptions.Peer {

    private static final Logger log = LoggerFactory.getLogger(TelnetTerminal.class);

    private final LineConnection connection;
    private final TelnetOutput out;
    private final TelnetOptions options;
    private final TelnetCodec codec;
    private final BlockingQueue<Integer> events = new ArrayBlockingQueue<>(4096);
    /** Orders interrupts against a command starting or ending, so none is lost in between. */
    private final ReentrantLock state = new ReentrantLock();

    private volatile Thread sessionThread;
    private volatile boolean busy;
    private volatile boolean interrupted;
    private volatile boolean waitingForInput;
    private volatile boolean done;
    private volatile int width = 80, height = 24;
    private volatile String terminalType;
    private volatile boolean terminalTypeRequested, terminalTypeAnswered;

    TelnetTerminal(LineConnection connection) {
        this.connection = connection;
        this.out = new TelnetOutput(connection);
        this.options = new TelnetOptions(this);
        this.codec = new TelnetCodec(this, options);
    }

    /** Starts the input thread; the calling thread becomes the session thread. */
    void start() {
        sessionThread = Thread.currentThread();
        Thread.ofVirtual().name("telnet-" + connection.id() + "-in").start(this::readInput);
    }

    /** The session is over; the input thread ends when the server closes the socket. */
    void finish() {
        done = true;
    }

    /** RFC 855: offer what we do, ask for what we want, and wait a moment for the answers. */
    void negotiate(Duration wait) throws IOException {
        options.requestEnable(Telnet.ECHO, true);
        options.requestEnable(Telnet.SGA, true);
        options.requestEnable(Telnet.SGA, false);
        options.requestEnable(Telnet.NAWS, false);
        options.requestEnable(Telnet.TTYPE, false);
        out.flush();
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline && !done
                && !(options.settled() && (!terminalTypeRequested || terminalTypeAnswered))) {
            LockSupport.parkNanos(5_000_000);
        }
    }

    /** Character at a time with our echo (RFC 857 + RFC 858), or else the client's line mode. */
    boolean characterMode() {
        return options.isUs(Telnet.ECHO) && options.isUs(Telnet.SGA);
    }

    /** Whether we echo (RFC 857). */
    boolean serverEchoes() {
        return options.isUs(Telnet.ECHO);
    }

    /** Whether to send GA after a prompt (RFC 854: when SGA is not in effect). */
    boolean goAhead() {
        return !options.isUs(Telnet.SGA);
    }

    /**
     * For a password in line mode: offer WILL ECHO so the client stops echoing locally
     * (RFC 857). Returns whether it was offered, so {@link #withdrawEcho} can take it back.
     */
    boolean offerEcho() {
        if (characterMode() || options.usState(Telnet.ECHO) != TelnetOptions.State.NO) return false;
        options.requestEnable(Telnet.ECHO, true);
        return true;
    }

    void withdrawEcho() {
        options.requestDisable(Telnet.ECHO, true);
    }

    // ---- the input thread ---------------------------------------------------------------------

    private void readInput() {
        InputStream in = connection.dataStream();
        byte[] buf = new byte[4096];
        try {
            while (!done) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    if (busy) continue;     // a long command is not idleness
                    enqueue(LineEditor.IDLE);
                    return;
                }
                if (n < 0) break;
                codec.receive(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            log.debug("{} input ended: {}", connection, e.toString());
        } finally {
            enqueue(LineEditor.EOF);
            LockSupport.unpark(sessionThread);
        }
    }

    private void enqueue(int event) {
        try {
            while (!events.offer(event, 100, TimeUnit.MILLISECONDS)) {
                if (done || connection.isClosed()) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void data(int b) {
        if (b == 3) interrupt();          // Ctrl-C typed in character mode
        else enqueue(b);
    }

    @Override
    public void command(int command) {
        switch (command) {
            case Telnet.IP, Telnet.BRK, Telnet.AO -> interrupt();
            case Telnet.AYT -> {
                try {
                    out.print("\n" + TelnetReplies.AYT + "\n");
                    out.flush();
                } catch (IOException e) {
                    // the peer is gone; the read loop will notice
                }
            }
            // RFC 854 Synch ends with DM: input typed before it and not yet read is discarded. Java
            // sockets do not report TCP urgent mode, so the in-band DM is what we can act on.
            case Telnet.DM -> events.clear();
            case Telnet.EC -> enqueue(LineEditor.ERASE_CHAR);
            case Telnet.EL -> enqueue(LineEditor.ERASE_LINE);
            default -> { }
        }
    }

    /** RFC 854 IP: interrupt the running command, or drop the line being typed. */
    private void interrupt() {
        state.lock();
        try {
            if (busy) {
                interrupted = true;
                LockSupport.unpark(sessionThread);
            } else {
                events.offer(LineEditor.INTERRUPT);     // never blocks under the lock; a full queue drops it
            }
        } finally {
            state.unlock();
        }
    }

    @Override
    public void subnegotiation(int option, byte[] p, int length) {
        if (option == Telnet.NAWS && length == 4) {
            // RFC 1073: WIDTH then HEIGHT, 16 bits each; 0 means unknown.
            int w = (p[0] & 0xff) << 8 | p[1] & 0xff, h = (p[2] & 0xff) << 8 | p[3] & 0xff;
            if (w > 0) width = Math.min(w, 1000);
            if (h > 0) height = Math.min(h, 1000);
        } else if (option == Telnet.TTYPE && length > 1 && p[0] == Telnet.TTYPE_IS) {
            String type = new String(p, 1, Math.min(length - 1, 40), StandardCharsets.US_ASCII);
            terminalType = type.replaceAll("[^A-Za-z0-9._+-]", "").toLowerCase(Locale.ROOT);
            terminalTypeAnswered = true;
        }
    }

    @Override
    public void sendNegotiation(int verb, int option) {
        try {
            out.command(verb, option);
        } catch (IOException e) {
            // the peer is gone; the read loop will notice
        }
    }

    @Override
    public void optionChanged(int option, boolean ours, boolean enabled) {
        if (!ours && option == Telnet.TTYPE && enabled) {
            terminalTypeRequested = true;
            try {
                // RFC 1091: ask for the terminal type once the client agreed to tell it.
                out.command(Telnet.SB, Telnet.TTYPE, Telnet.TTYPE_SEND, Telnet.IAC, Telnet.SE);
            } catch (IOException e) {
                // the peer is gone
            }
        } else if (ours && option == Telnet.BINARY) {
            out.binary(enabled);
        }
    }

    // ---- what the session thread uses ---------------------------------------------------------

    /** Blocks for the next key event (see {@link LineEditor}). */
    int next() {
        waitingForInput = true;
        try {
            while (true) {
                Integer e = events.poll(1, TimeUnit.SECONDS);
                if (e != null) return e;
                if (connection.isClosed()) return LineEditor.EOF;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return LineEditor.EOF;
        } finally {
            waitingForInput = false;
        }
    }

    /**
     * Marks a command as running (interrupts go to it) or done (interrupts drop the typed line).
     * An interrupt typed after the command's line end but queued before it started belongs to it.
     */
    void busy(boolean on) {
        state.lock();
        try {
            busy = on;
            interrupted = on && events.remove(LineEditor.INTERRUPT);
        } finally {
            state.unlock();
        }
    }

    /**
     * Waits up to {@code d}; false when interrupted by IP / Ctrl-C first. Parks rather than
     * using Thread.interrupt, which would close the socket of a virtual thread.
     */
    boolean pause(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        while (!interrupted && !done && !connection.isClosed()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return true;
            LockSupport.parkNanos(left);
        }
        return false;
    }

    /** Whether the running command was interrupted (or the connection is gone). */
    boolean interrupted() {
        return interrupted || connection.isClosed();
    }

    boolean isWaitingForInput() {
        return waitingForInput && !busy;
    }

    /** Whether the terminal understands ANSI escapes: by TTYPE, and assumed when the client sent none. */
    boolean ansi() {
        String t = terminalType;
        return t == null || t.startsWith("xterm") || t.startsWith("vt") || t.startsWith("ansi") || t.startsWith("linux")
                || t.startsWith("screen") || t.startsWith("tmux") || t.startsWith("rxvt") || t.startsWith("putty")
                || t.startsWith("konsole") || t.startsWith("cygwin");
    }

    int width() { return width; }
    int height() { return height; }
    String terminalType() { return terminalType; }
    TelnetOutput out() { return out; }
}
