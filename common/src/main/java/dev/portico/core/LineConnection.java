package dev.portico.core;

import dev.portico.core.tls.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.SSLSocket;

/**
 * One client connection: bounded line reading, buffered replies, raw byte streams for bulk data,
 * and an in-place TLS upgrade. The only class that touches the socket's streams.
 *
 * <p>Reading belongs to the session's own thread. Writing is guarded by a lock because an FTP
 * transfer thread and the shutdown path may write too.
 */
public final class LineConnection implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(LineConnection.class);

    private static final int IAC = 255, SB = 250, SE = 240, WILL = 251, DONT = 254;
    /**
     * Idle connections dominate a busy server's memory, so a connection starts with a small read
     * buffer, enough for command lines, and takes a large one only when it reads bulk data.
     */
    private static final int SMALL_IN_BUFFER = 2048;
    private static final int LARGE_IN_BUFFER = 16384;
    private static final int LINE_BUFFER = 128;
    /** The writer of a paused connection: nothing writes through it but {@link #closeWith}, which knows. */
    private static final OutputStream PAUSED = new OutputStream() {
        @Override public void write(int b) throws IOException {
            throw new SocketException("the connection is paused");
        }
    };
    private static final AtomicReferenceFieldUpdater<LineConnection, Runnable> RESUME =
            AtomicReferenceFieldUpdater.newUpdater(LineConnection.class, Runnable.class, "resume");
    /** What {@link #awaitCommand} reads the next command's first bytes into: a command line fits most times. */
    private static final int FIRST_BYTES = 128;
    /**
     * The states of an untimed wait for the next command ({@link #awaitCommand}): none under way;
     * waiting with the buffers; waiting without them, taken by {@link #watchIdle}; ended by the idle timeout.
     */
    private static final int ACTIVE = 0, WAITING = 1, IDLE = 2, TIMED_OUT = 3;

    private final long id;
    private final String protocol;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final Instant started = Instant.now();
    private final Limits limits;
    /**
     * Fair, so a writer waiting for it gets it when the write under way ends: a session streaming
     * output to a slow client took it back chunk after chunk before the Telnet input thread (which
     * flushes after each read) woke up, and the Ctrl-C the client had sent went unread.
     */
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    /** Null while paused or idle: a waiting session holds no read buffer. */
    private byte[] buffer = new byte[SMALL_IN_BUFFER];
    private int pos, limit;
    /** Null while paused or idle, as the read buffer. */
    private byte[] line = new byte[LINE_BUFFER];
    /** Made at the first untimed wait ({@link #awaitCommand}), and kept. */
    private byte[] first;

    private Socket socket;
    private InputStream in;
    /** Null while idle ({@link #watchIdle}): the next write makes it again ({@link #locked}). */
    private OutputStream out;
    private LineEnding ending = LineEnding.LENIENT;
    private Charset charset = StandardCharsets.UTF_8;
    private boolean telnetControl;
    private int telnetState;           // 0 data, 1 after IAC, 2 after IAC WILL..DONT, 3 in SB, 4 IAC in SB
    private volatile boolean awaitingCommand;
    private volatile long lastActivity = System.currentTimeMillis();
    private volatile String user;
    private volatile boolean closed;
    private volatile long writingSince;
    /** The read timeout between bytes ({@link #setIdleTimeout}); 0 is none. */
    private int idleMillis;
    /** What the socket's SO_TIMEOUT is set to now, so that it is changed only when it must be. */
    private int soTimeout = -1;
    /** Set once by the registry before the session's first byte; null unless a {@link WireTap} is on. */
    private WireTap.Recorder recorder;
    /** Told of a STARTTLS handshake's outcome; set once by the server before the session's first byte. */
    private Events events = Events.NONE;
    /** While paused ({@link #pause}): what continues the session; taken once by {@link #wake}. */
    private volatile Runnable resume;
    /** The session woke because its idle timeout passed while paused: its next read raises that. */
    private boolean timedOut;
    /** When the session began to wait for its next command: the idle timeout counts from it. */
    private volatile long waitingSince;
    /** Commands in a row whose first bytes came within the pause delay ({@link #inputWithin}, {@link #awaitCommand}). */
    private int quickAnswers;
    /** The untimed wait for the next command, {@link #ACTIVE} to {@link #TIMED_OUT}; changed during the wait under the write lock. */
    private volatile int waitState;
    /** {@link Waiting}'s bookkeeping of a paused connection: when its idle timeout passes (0: never), and its order. */
    long wakeAt, pauseSeq;

    LineConnection(long id, String protocol, Socket socket, Limits limits) throws IOException {
        this(id, protocol, socket, (InetSocketAddress) socket.getRemoteSocketAddress(), limits);
    }

    /** @param remote the client: the socket's peer, or the source a proxy's PROXY header named */
    LineConnection(long id, String protocol, Socket socket, InetSocketAddress remote, Limits limits) throws IOException {
        this.id = id;
        this.protocol = protocol;
        this.limits = limits;
        this.remote = remote;
        this.local = (InetSocketAddress) socket.getLocalSocketAddress();
        bind(socket);
        setIdleTimeout(limits.idleTimeout().toMillis());
    }

    /**
     * A connection this side opened (the relay's outbound SMTP client): the same bounded line
     * reader and buffered writer as a server session, so a remote server's replies are read under
     * the same limits as a client's commands.
     */
    public static LineConnection client(String protocol, Socket socket, Limits limits) throws IOException {
        return new LineConnection(0, protocol, socket, limits);
    }

    private void bind(Socket s) throws IOException {
        s.setTcpNoDelay(true);   // replies are flushed whole; Nagle would only add latency
        this.socket = s;
        this.in = s.getInputStream();
        // Made on a virtual thread, a default-sized BufferedOutputStream starts at 512 bytes and
        // grows to 8 KiB only when a reply needs it; on a platform thread it starts at 8 KiB. A
        // session holds it only while it works: a pause, or the watch, drops it.
        this.out = new BufferedOutputStream(s.getOutputStream());
    }

    // ---- identity and bookkeeping -------------------------------------------------------------

    public long id() { return id; }
    public String protocol() { return protocol; }
    /** The client's address, as a trusted proxy's PROXY header named it when there is one. */
    public InetSocketAddress remote() { return remote; }
    public InetSocketAddress local() { return local; }
    public Instant started() { return started; }
    public Limits limits() { return limits; }
    public String user() { return user; }
    /** Records who logged in, for the session registry. */
    public void user(String name) { this.user = name; }
    public Instant lastActivity() { return Instant.ofEpochMilli(lastActivity); }
    public long bytesIn() { return bytesIn.get(); }
    public long bytesOut() { return bytesOut.get(); }
    /** Adds bytes moved on a side channel (FTP data connections) to this session's counters. */
    public void countTransfer(long in, long out) { bytesIn.addAndGet(in); bytesOut.addAndGet(out); touch(); }
    public void touch() { lastActivity = System.currentTimeMillis(); }
    /** True while the session is blocked waiting for the first byte of its next command. */
    public boolean isAwaitingCommand() { return awaitingCommand; }
    public boolean isClosed() { return closed; }

    void recorder(WireTap.Recorder r) { this.recorder = r; }
    WireTap.Recorder recorder() { return recorder; }
    void events(Events e) { this.events = e; }

    public void setLineEnding(LineEnding ending) { this.ending = ending; }
    public void setCharset(Charset charset) { this.charset = charset; }

    /**
     * Makes {@link #readLine()} consume Telnet commands (RFC 854) as the FTP control connection
     * requires (RFC 959 §4.1.3): IAC IAC is a literal 0xFF, every other IAC sequence, option
     * negotiation and subnegotiation included, is dropped. Urgent data is read in line, so the
     * Synch that clients send before ABOR is dropped whole too.
     */
    public void setTelnetControl(boolean on) throws IOException {
        this.telnetControl = on;
        // The Telnet Synch (IAC DM) comes as TCP urgent data. Taken out of band, the DM would
        // vanish and leave a lone IAC that swallows the next command's first byte; kept in line,
        // the IAC state machine above drops the whole sequence.
        if (!(socket instanceof SSLSocket)) socket.setOOBInline(on);
    }

    /**
     * Caps the kernel's send buffer. Left alone, Linux grows it to 4 MiB for a fast sender, and an
     * interactive session's Ctrl-C then stops output only after that much more has reached the
     * client (3.5 MB measured, tens of seconds through a slow link or client).
     */
    public void setSendBufferSize(int bytes) throws IOException {
        socket.setSendBufferSize(bytes);
    }

    /** How long one read may block (0: for ever); a command line is bounded by the command timeout besides. */
    public void setIdleTimeout(long millis) throws IOException {
        idleMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(0, millis));
        readTimeout(idleMillis);
    }

    private void readTimeout(int millis) throws IOException {
        if (millis != soTimeout) {
            socket.setSoTimeout(millis);
            soTimeout = millis;
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * Reads one line without its line ending, or returns null at end of stream (a partial last
     * line is dropped). A line longer than the limit is consumed to its end and reported by
     * {@link LineTooLongException}; a bare line ending under {@link LineEnding#STRICT_CRLF} by
     * {@link BareLineEndingException}. Either way the next call reads the next line.
     *
     * <p>Two clocks run. Each read may block for the idle timeout, and the whole line, counted
     * from its first byte (a Telnet command on an FTP control connection counts), must arrive
     * within {@link Limits#commandTimeout()}: otherwise a client sending a byte now and then,
     * never a line ending, would keep its session for ever (Postfix bounds a request the same
     * way with {@code smtpd_per_request_deadline}, nginx with {@code client_header_timeout}).
     *
     * @throws CommandTimeoutException when the line is not complete within the command timeout
     * @throws SocketTimeoutException when the idle timeout passes
     */
    public String readLine() throws IOException {
        if (line == null) line = new byte[LINE_BUFFER];
        int len = 0;
        int max = limits.maxLineLength();
        long commandNanos = limits.commandTimeout().toNanos();
        long deadline = 0;
        boolean started = false;
        boolean tooLong = false, bare = false, pendingCr = false;
        while (true) {
            if (pos == limit) {
                awaitingCommand = len == 0 && !tooLong && !pendingCr;
                boolean byDeadline = false;
                try {
                    int timeout = idleMillis;
                    if (started && commandNanos > 0) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) throw new CommandTimeoutException(limits.commandTimeout());
                        int leftMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, left / 1_000_000));
                        if (timeout == 0 || leftMillis < timeout) {
                            timeout = leftMillis;
                            byDeadline = true;
                        }
                    }
                    if (!fill(timeout)) return null;
                } catch (SocketTimeoutException e) {
                    if (byDeadline && !(e instanceof CommandTimeoutException)) {
                        throw new CommandTimeoutException(limits.commandTimeout());
                    }
                    throw e;
                } finally {
                    awaitingCommand = false;
                }
            }
            int b = buffer[pos++] & 0xff;
            if (!started) {
                started = true;
                if (commandNanos > 0) deadline = System.nanoTime() + commandNanos;
            }
            if (telnetControl && (b == IAC || telnetState != 0)) {
                b = telnet(b);
                if (b < 0) continue;
            }
            if (b == '\n') {
                if (!pendingCr && ending == LineEnding.STRICT_CRLF) bare = true;
                if (tooLong) throw new LineTooLongException(max);
                if (bare) throw new BareLineEndingException();
                return new String(line, 0, len, charset);
            }
            if (pendingCr) {
                // A CR not followed by LF: data under LENIENT, an error under STRICT_CRLF.
                if (ending == LineEnding.STRICT_CRLF) bare = true;
                len = append(len, '\r', max);
                if (len < 0) { tooLong = true; len = max; }
            }
            pendingCr = b == '\r';
            if (!pendingCr) {
                len = append(len, b, max);
                if (len < 0) { tooLong = true; len = max; }
            }
        }
    }

    private int append(int len, int b, int max) {
        if (len >= max) return -1;
        if (len == line.length) line = Arrays.copyOf(line, Math.min(max, line.length * 2));
        line[len] = (byte) b;
        return len + 1;
    }

    /** Returns the data byte for {@code b}, or -1 when it belongs to a Telnet command. */
    private int telnet(int b) {
        switch (telnetState) {
            case 0 -> { telnetState = 1; return -1; }               // b == IAC
            case 1 -> {
                if (b == IAC) { telnetState = 0; return IAC; }
                telnetState = b == SB ? 3 : (b >= WILL && b <= DONT ? 2 : 0);
                return -1;
            }
            case 2 -> { telnetState = 0; return -1; }               // option byte
            case 3 -> { if (b == IAC) telnetState = 4; return -1; }
            default -> { telnetState = b == SE ? 0 : 3; return -1; }
        }
    }

    /** Whether bytes the client sent are waiting unread (used to batch pipelined replies). */
    public boolean hasBufferedInput() {
        return pos < limit;
    }

    /** Reads what is there into the empty buffer, waiting up to {@code timeoutMillis} (0: for ever). */
    private boolean fill(int timeoutMillis) throws IOException {
        if (timedOut) {
            timedOut = false;
            throw new SocketTimeoutException("Read timed out");
        }
        if (buffer == null) buffer = new byte[SMALL_IN_BUFFER];
        readTimeout(timeoutMillis);
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) return false;
        received(n);
        return true;
    }

    /** Takes the {@code n} bytes just read into the empty buffer as its content: counted, recorded, the session touched. */
    private void received(int n) {
        pos = 0;
        limit = n;
        bytesIn.addAndGet(n);
        if (recorder != null) recorder.received(buffer, 0, n);
        touch();
    }

    /**
     * The connection's input as raw bytes, starting right after the last line read, for message
     * bodies and other bulk data. Shares the line reader's buffer, so nothing is lost between the
     * two. Closing it does nothing.
     */
    public DataStream dataStream() {
        if (buffer == null) buffer = new byte[SMALL_IN_BUFFER];
        if (buffer.length < LARGE_IN_BUFFER) {
            byte[] large = new byte[LARGE_IN_BUFFER];
            System.arraycopy(buffer, pos, large, 0, limit - pos);
            limit -= pos;
            pos = 0;
            buffer = large;
        }
        return new DataStream();
    }

    /** The connection's raw input: see {@link #dataStream()}. */
    public final class DataStream extends InputStream {

        private DataStream() {}

        @Override public int read() throws IOException {
            if (pos == limit && !fill(idleMillis)) return -1;
            return buffer[pos++] & 0xff;
        }

        @Override public int read(byte[] b, int off, int n) throws IOException {
            if (n == 0) return 0;
            if (pos == limit && !fill(idleMillis)) return -1;
            int k = Math.min(n, limit - pos);
            System.arraycopy(buffer, pos, b, off, k);
            pos += k;
            return k;
        }

        /**
         * As {@link #read(byte[], int, int)}, but stops after the first {@code stop} byte: a reader
         * that must not consume past a terminator ending in that byte (SMTP's CR LF "." CR LF, whose
         * next bytes are the client's next command) still takes a line at a time, not a byte.
         */
        public int readThrough(byte[] b, int off, int n, byte stop) throws IOException {
            if (n == 0) return 0;
            if (pos == limit && !fill(idleMillis)) return -1;
            int end = pos + Math.min(n, limit - pos);
            int i = pos;
            while (i < end && buffer[i] != stop) i++;
            if (i < end) i++;
            int k = i - pos;
            System.arraycopy(buffer, pos, b, off, k);
            pos = i;
            return k;
        }

        /**
         * Lends the buffered input to {@code reader} in place, filling the buffer first when it is
         * empty, and consumes as many bytes as the reader says it used (0 to all of them). A parser
         * that must not read past a terminator (SMTP's end of DATA) works on the connection's own
         * buffer instead of copying each line out first.
         *
         * @return what the reader returned, or -1 at the end of the stream (the reader is not called)
         */
        public int scan(Reader reader) throws IOException {
            if (pos == limit && !fill(idleMillis)) return -1;
            int k = reader.read(buffer, pos, limit - pos);
            if (k < 0 || k > limit - pos) throw new IllegalStateException("consumed " + k + " of " + (limit - pos));
            pos += k;
            return k;
        }

        @Override public int available() { return limit - pos; }

        /** What {@link #scan} lends the buffer to. */
        public interface Reader {
            /** Reads from {@code b[off, off + len)} (never empty) and returns how many bytes of it it used. */
            int read(byte[] b, int off, int len) throws IOException;
        }
    }

    // ---- pausing ------------------------------------------------------------------------------

    /**
     * Waits up to {@code millis} (or the idle timeout, when shorter) for the next command's first
     * bytes; false when none came. Clients that answer at once never pause: pausing and waking
     * cost a few system calls and a thread start, waiting a moment costs nothing.
     */
    boolean inputWithin(int millis) throws IOException {
        if (pos < limit || timedOut) return true;
        waitingSince = System.currentTimeMillis();
        awaitingCommand = true;
        try {
            fill(idleMillis == 0 ? millis : Math.min(millis, idleMillis));
            quickAnswers++;
            return true;   // bytes, or the end of the stream: either is the next step's to read
        } catch (SocketTimeoutException e) {
            quickAnswers = 0;
            return false;
        } finally {
            awaitingCommand = false;
        }
    }

    /**
     * Whether the client is in a conversation: its last {@code answers} commands each came within
     * the pause delay. Such a session moves to a platform thread, or waits for its next command
     * untimed ({@link #awaitCommand}).
     */
    boolean isConversing(int answers) {
        return quickAnswers >= answers;
    }

    /**
     * Waits for the next command's first bytes, or the end of the stream, with no timeout of its
     * own, for a session whose client answers at once ({@link #isConversing}); the server's watch
     * ({@link #watchIdle}) keeps the time. On the JDK 25 scheduler every timed read that blocks
     * hands a timer to a thread of its own and takes it back, a wake-up of that thread each way:
     * half the server's context switches under SMTP load, 5-9% of its CPU per message (measured with
     * server and client on CPUs of their own). The price is the parked thread: when such a
     * client falls silent, its session keeps its thread (about 1.6 KiB) until the next command or
     * the idle timeout, where a paused one ({@link #pause}) keeps none, so a session that waited
     * longer than {@code pauseAfter} waits the timed way again next time.
     */
    void awaitCommand(long pauseAfter) throws IOException {
        if (pos < limit || timedOut) return;
        if (first == null) first = new byte[FIRST_BYTES];
        long since = System.currentTimeMillis();
        waitingSince = since;
        awaitingCommand = true;
        waitState = WAITING;                 // from here the watch may take the buffers
        int n = -1, ended;
        try {
            n = socket.getChannel().read(ByteBuffer.wrap(first));
        } finally {
            writeLock.lock();                // the watch changes the state and the buffers under it
            try {
                ended = waitState;
                waitState = ACTIVE;
                awaitingCommand = false;
            } finally {
                writeLock.unlock();
            }
        }
        if (System.currentTimeMillis() - since >= pauseAfter) quickAnswers = 0;
        if (ended == TIMED_OUT) {
            timedOut = true;                 // the session answers it as any read's timeout
            return;
        }
        if (n <= 0) return;                  // the end of the stream: the next read finds it too
        if (buffer == null) buffer = new byte[SMALL_IN_BUFFER];
        System.arraycopy(first, 0, buffer, 0, n);
        received(n);
    }

    /**
     * The server's watch, every few hundred milliseconds, for a session in {@link #awaitCommand}:
     * after {@code pauseAfter} of waiting it takes the read, line and write buffers, as a pause
     * does, and at the idle timeout it shuts the input, which ends the wait as a timeout. Never
     * blocks: a connection being written to is left for the next round.
     */
    void watchIdle(long now, long pauseAfter) {
        if (waitState == ACTIVE || !writeLock.tryLock()) return;
        boolean timeOut = false;
        try {
            int w = waitState;
            long waited = now - waitingSince;
            if (w != WAITING && w != IDLE) return;
            if (idleMillis > 0 && waited >= idleMillis) {
                waitState = TIMED_OUT;
                timeOut = true;
            } else if (w == WAITING && waited >= pauseAfter) {
                buffer = null;
                line = null;
                out = null;
                waitState = IDLE;
            }
        } finally {
            writeLock.unlock();
        }
        if (timeOut) {
            try {
                socket.shutdownInput();
            } catch (IOException e) {
                close();
            }
        }
    }

    /** Whether the session waits for its next command untimed now (for tests). */
    boolean isWaitingUntimed() {
        return waitState != ACTIVE;
    }

    /** Whether the session waits for its next command without its buffers now (for tests). */
    boolean isPaused() {
        return resume != null || waitState == IDLE;
    }

    /** The plain connection's channel, or null when it has none to wait on (TLS, a socket made without one). */
    SocketChannel channel() {
        return socket instanceof SSLSocket ? null : socket.getChannel();
    }

    /**
     * Lets the session wait for its next command without a thread: drops the read and write
     * buffers and hands the connection to {@link Waiting}, which calls {@code resume} on some
     * thread when bytes arrive, the idle timeout passes (counted from {@link #inputWithin}) or the
     * connection is closed. Call it with nothing buffered either way. Returns false when this
     * connection cannot pause (TLS: the engine may hold decrypted bytes no selector sees); the
     * caller then reads on as before.
     */
    boolean pause(Runnable resume) throws IOException {
        SocketChannel ch = channel();
        if (ch == null || pos < limit) return false;
        Waiting.room().open();
        writeLock.lock();
        try {
            if (closed) return false;
            out.flush();
            ch.configureBlocking(false);
            out = PAUSED;
            buffer = null;
            pos = limit = 0;
            line = null;
            wakeAt = idleMillis == 0 ? 0 : waitingSince + idleMillis;
            awaitingCommand = true;
            this.resume = resume;
        } finally {
            writeLock.unlock();
        }
        Waiting.room().add(this);
        return true;
    }

    /** Called by {@link Waiting}, once its key is cancelled: runs what continues the session, once. */
    void wake(boolean idleTimeout) {
        Runnable r = RESUME.getAndSet(this, null);
        if (r == null) return;
        timedOut = idleTimeout;
        r.run();
    }

    /**
     * First thing on the thread that continues a paused session: back to blocking reads, with a
     * writer. A closed connection raises here, and the session ends.
     */
    void resumed() throws IOException {
        writeLock.lock();
        try {
            awaitingCommand = false;
            socket.getChannel().configureBlocking(true);
            out = new BufferedOutputStream(socket.getOutputStream());
        } finally {
            writeLock.unlock();
        }
    }

    // ---- writing ------------------------------------------------------------------------------

    /** Queues a reply without flushing; see {@link #flush()}. */
    public void write(Reply reply) throws IOException {
        writeText(reply.format());
    }

    /** Queues one line, CR LF added, without flushing. */
    public void writeLine(String text) throws IOException {
        writeText(text + "\r\n");
    }

    private void writeText(String text) throws IOException {
        byte[] bytes = text.getBytes(charset);
        locked(() -> {
            out.write(bytes);
            bytesOut.addAndGet(bytes.length);
            if (recorder != null) recorder.sent(bytes, 0, bytes.length);
        });
    }

    /** Writes raw bytes without flushing (Telnet output, POP3 message bodies). */
    public void writeBytes(byte[] b, int off, int len) throws IOException {
        locked(() -> {
            out.write(b, off, len);
            bytesOut.addAndGet(len);
            if (recorder != null) recorder.sent(b, off, len);
        });
    }

    public void flush() throws IOException {
        locked(() -> out.flush());
    }

    /** Writes and flushes a reply. */
    public void send(Reply reply) throws IOException {
        byte[] bytes = reply.format().getBytes(charset);
        locked(() -> {
            out.write(bytes);
            bytesOut.addAndGet(bytes.length);
            if (recorder != null) recorder.sent(bytes, 0, bytes.length);
            out.flush();
        });
    }

    /** Writes and flushes one line, CR LF added. */
    public void sendLine(String text) throws IOException {
        byte[] bytes = (text + "\r\n").getBytes(charset);
        locked(() -> {
            out.write(bytes);
            bytesOut.addAndGet(bytes.length);
            if (recorder != null) recorder.sent(bytes, 0, bytes.length);
            out.flush();
        });
    }

    private interface Write { void run() throws IOException; }

    /**
     * Every write happens here, under the lock and stamped, so the server can close a session
     * whose client stopped reading: a blocked socket write has no timeout of its own.
     */
    private void locked(Write w) throws IOException {
        writeLock.lock();
        try {
            writingSince = System.currentTimeMillis();
            writer();
            w.run();
        } finally {
            writingSince = 0;
            writeLock.unlock();
        }
    }

    /** Makes the writer again after the watch took it from an idle session ({@link #watchIdle}); under the write lock. */
    private void writer() throws IOException {
        if (out == null) out = new BufferedOutputStream(socket.getOutputStream());
    }

    /** Threads waiting for the write lock (for tests). */
    int writersWaiting() {
        return writeLock.getQueueLength();
    }

    /** How long the write under way has been blocked, in milliseconds; 0 when none is. */
    long writeStalledFor(long now) {
        long since = writingSince;
        return since == 0 ? 0 : now - since;
    }

    /** Sends a last line and closes, ignoring errors: for refusals, shutdown and kicks. */
    public void closeWith(String lastLine) {
        if (lastLine != null && !closed) {
            try {
                if (writeLock.tryLock(200, TimeUnit.MILLISECONDS)) {
                    try {
                        socket.setSoLinger(true, 1);
                        byte[] bytes = (lastLine + "\r\n").getBytes(charset);
                        writer();
                        if (out == PAUSED) {
                            // Non-blocking while paused: an idle connection's send buffer takes one line.
                            socket.getChannel().write(ByteBuffer.wrap(bytes));
                        } else {
                            out.write(bytes);
                            out.flush();
                        }
                        if (recorder != null) recorder.sent(bytes, 0, bytes.length);
                    } finally {
                        writeLock.unlock();
                    }
                }
            } catch (IOException | InterruptedException ignored) {
                // the peer is gone or slow; closing is all that is left to do
            }
        }
        close();
    }

    // ---- TLS ----------------------------------------------------------------------------------

    /**
     * Upgrades this connection to TLS as the server side, in place. Call it after sending the
     * "go ahead" reply. Bytes the client pipelined after the command are thrown away, never read
     * as if they had come through TLS (RFC 3207 §4.2, the STARTTLS command-injection attacks).
     * Logs the discarded bytes and the negotiated protocol, for every protocol alike.
     *
     * @return how many plaintext bytes were discarded
     */
    public int startTls(Tls tls) throws IOException {
        flush();
        int discarded = limit - pos;
        pos = limit = 0;
        telnetState = 0;
        SSLSocket ssl = tls.wrapServer(socket);
        ssl.setSoTimeout(idleMillis);
        soTimeout = idleMillis;
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            events.tlsHandshake(protocol, false);
            throw e;
        }
        events.tlsHandshake(protocol, true);
        bind(ssl);
        if (discarded > 0) log.warn("{} discarded {} bytes pipelined before the TLS handshake", this, discarded);
        log.info("{} TLS started ({}, {})", this, ssl.getSession().getProtocol(), ssl.getSession().getCipherSuite());
        return discarded;
    }

    /**
     * Upgrades this connection to TLS as the client side (outbound STARTTLS, RFC 3207), after the
     * server's 220. A server that sent anything past its 220 is refused: those bytes came in
     * plaintext and must never be read as if they had come through TLS (RFC 3207 4.2, the same
     * injection {@link #startTls} guards servers against).
     *
     * @param verifyHost check the certificate's name against {@code host} (the trust itself is the factory's)
     */
    public void startTlsClient(SSLSocketFactory factory, String host, boolean verifyHost) throws IOException {
        if (pos < limit) throw new IOException("the server sent " + (limit - pos) + " bytes after its STARTTLS reply");
        flush();
        SSLSocket ssl = (SSLSocket) factory.createSocket(socket, host, socket.getPort(), true);
        ssl.setUseClientMode(true);
        if (verifyHost) {
            SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
        }
        ssl.setSoTimeout(idleMillis);
        soTimeout = idleMillis;
        ssl.startHandshake();
        bind(ssl);
    }

    public boolean isSecure() {
        return socket instanceof SSLSocket;
    }

    /** The TLS session of the control connection, or null before TLS. */
    public SSLSession tlsSession() {
        return socket instanceof SSLSocket s ? s.getSession() : null;
    }

    // ---- closing ------------------------------------------------------------------------------

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing useful to do: the socket is gone either way
        }
        // A paused session has no thread to see the close: the room wakes it to end.
        if (resume != null) Waiting.room().closed(this);
    }

    @Override
    public String toString() {
        return protocol + "-" + id + " " + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
