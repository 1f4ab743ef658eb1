package dev.portico.core;

import dev.portico.core.tls.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;

/**
 * Binds one listening socket and runs every accepted connection on a thread of its own with plain
 * blocking code: a platform thread while the session's client converses (see {@link #SESSION_THREADS}),
 * a virtual one otherwise, and none at all while a {@link CommandSession} waits for its next command.
 * Knows nothing of any protocol: a {@link ConnectionHandler} serves each connection, and the protocol
 * supplies the lines sent when a connection is refused or cut by a shutdown.
 */
public final class LineServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(LineServer.class);
    /** Back-off after a failed accept: from 10 ms, doubled on each further failure, up to 1 s. */
    private static final long MIN_BACKOFF_MS = 10, MAX_BACKOFF_MS = 1000;
    /** At most one log line per this interval for failed accepts and for refusals. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    /**
     * How long a {@link CommandSession} waits for its next command on its own thread before it
     * pauses ({@link LineConnection#pause}): a client that answers within this never pays for a
     * pause and a wake, and an idle session gives its thread and buffers up after it.
     */
    static final int PAUSE_AFTER_MILLIS = 100;
    /**
     * After how many commands in a row that each came within {@link #PAUSE_AFTER_MILLIS} a session
     * is conversing ({@link LineConnection#isConversing}): it moves to a platform thread
     * ({@link #SESSION_THREADS}), or, when none is free, waits for its next command untimed
     * ({@link LineConnection#awaitCommand}). More than a login takes (USER and PASS, EHLO and AUTH,
     * LOGIN and SELECT), so that a client that logs in and waits takes neither.
     */
    static final int CONVERSING_AFTER = 3;
    /**
     * The platform threads conversing {@link CommandSession}s run on, shared by every server of the
     * process: at most this many at once, the others stay on their virtual threads. A client's command
     * wakes a session blocked on a platform thread directly; on a virtual thread it wakes the JDK's
     * poller thread, which wakes a carrier thread, and a timed read hands a timer to a third thread and
     * takes it back. For a short FTP session (login, a listing, a small download) those hand-offs were
     * a third of the server's CPU and 60% of its context switches (docs/benchmarks.md, round five).
     * Only a conversing session makes a new one; a new or resumed session takes one only when one is
     * waiting for work ({@link #start}). Every platform thread allocates in a buffer of its own in the
     * heap, and 256 threads made by a burst of clients that log in and fall silent cost 3-5 KiB more
     * per idle session at 10,000 (measured). A session keeps its platform thread until it has waited
     * {@link #PAUSE_AFTER_MILLIS} for a command; then it pauses without any thread.
     */
    static final int MAX_SESSION_THREADS = 256;
    private static final PlatformThreads SESSION_THREADS = new PlatformThreads("session-idle", MAX_SESSION_THREADS);
    /** The longest interval between two rounds of the watch, which takes the buffers of idle conversing sessions. */
    private static final long MAX_WATCH_PERIOD_MILLIS = 250;

    /**
     * @param protocol     name used in logs, thread names and the session registry ("ftp")
     * @param address      where to listen; port 0 picks a free port
     * @param limits       session and line limits
     * @param refusalLine  sent before closing a connection over a limit or from a banned address
     * @param shutdownLine sent to sessions still open when the server stops
     * @param implicitTls  when not null, every connection starts with a TLS handshake (FTPS, POP3S)
     * @param proxy        the proxies whose connections start with a PROXY header naming the client
     */
    public record Options(String protocol, InetSocketAddress address, Limits limits, String refusalLine,
                          String shutdownLine, Tls implicitTls, ProxyProtocol proxy) {
        public Options {
            Objects.requireNonNull(protocol);
            Objects.requireNonNull(address);
            Objects.requireNonNull(limits);
            Objects.requireNonNull(proxy);
        }

        /** Options of a listener that trusts no proxy. */
        public Options(String protocol, InetSocketAddress address, Limits limits, String refusalLine,
                       String shutdownLine, Tls implicitTls) {
            this(protocol, address, limits, refusalLine, shutdownLine, implicitTls, ProxyProtocol.OFF);
        }
    }

    private final Options options;
    private final ConnectionHandler handler;
    private final SessionRegistry registry;
    private final ConnectionFilter filter;
    private final Events events;
    private final Set<LineConnection> live = ConcurrentHashMap.newKeySet();
    /** Signalled whenever a session ends, so that {@link #stop} returns as soon as the last one has. */
    private final ReentrantLock endLock = new ReentrantLock();
    private final Condition ended = endLock.newCondition();
    /** Live sessions per client, IPv6 clients by the filter's prefix ({@link ConnectionFilter#blockOf}). */
    private final Map<Cidr, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final LogThrottle acceptFailures = new LogThrottle(LOG_INTERVAL);
    private final LogThrottle refusals = new LogThrottle(LOG_INTERVAL);
    private final LogThrottle badHeaders = new LogThrottle(LOG_INTERVAL);
    private PlatformThreads sessionThreads = SESSION_THREADS;
    /** Whether conversing sessions may move to {@link #sessionThreads}: those of a {@link CommandSession.Opener} with quick steps. */
    private final boolean platformSessions;
    private volatile ServerSocket serverSocket;
    private Thread acceptor;
    private Thread watcher;

    /** A server whose TLS handshakes nobody observes (fixtures). */
    public LineServer(Options options, ConnectionHandler handler, SessionRegistry registry, ConnectionFilter filter) {
        this(options, handler, registry, filter, Events.NONE);
    }

    /**
     * @param filter checked at accept for every connection (the shared ban list)
     * @param events told of every TLS handshake, implicit or STARTTLS
     */
    public LineServer(Options options, ConnectionHandler handler, SessionRegistry registry, ConnectionFilter filter,
                      Events events) {
        this.options = options;
        this.handler = handler;
        this.platformSessions = handler instanceof CommandSession.Opener o && o.quickSteps();
        this.registry = registry;
        this.filter = filter;
        this.events = Objects.requireNonNull(events);
    }

    /** Binds and starts accepting; returns once the socket is bound, so {@link #port()} is valid. */
    public LineServer start() throws IOException {
        // Through a channel, so that every accepted socket has one: a paused session's connection
        // waits for its next command on a selector ({@link Waiting}).
        ServerSocketChannel channel = ServerSocketChannel.open();
        ServerSocket ss = channel.socket();
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
            channel.bind(options.address(), 1024);
        } catch (BindException e) {
            channel.close();
            InetSocketAddress a = options.address();
            throw new BindException(options.protocol() + ": cannot listen on "
                    + a.getAddress().getHostAddress() + ":" + a.getPort() + ": " + e.getMessage());
        }
        serverSocket = ss;
        if (options.limits().maxSessions() > registry.pool()) {
            log.info("{}: max-sessions {} is more than the {} sessions the open-file limit of {} allows all servers: "
                    + "connections over that are refused", options.protocol(), options.limits().maxSessions(),
                    registry.pool(), Descriptors.limit());
        }
        // A platform acceptor. A virtual one starts a third of a millisecond faster (every test of
        // the toolkit pays that), but with it the FTP suite stalled for seconds at a time, several
        // sessions at once, on a quiet 2-core machine: an accept loop must never compete with the
        // sessions for the few carrier threads.
        acceptor = Thread.ofPlatform().daemon(true).name(options.protocol() + "-accept").start(this::acceptLoop);
        watcher = Thread.ofVirtual().name(options.protocol() + "-watch").start(this::watch);
        return this;
    }

    /** Runs this server's sessions on {@code threads} instead of the process's (tests: a pool of their own size); call before {@link #start}. */
    LineServer sessionThreads(PlatformThreads threads) {
        this.sessionThreads = threads;
        return this;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    public Options options() {
        return options;
    }

    /** Connections currently open on this server. */
    public int liveCount() {
        return live.size();
    }

    /** Sessions waiting for their next command without a thread (for tests). */
    int pausedCount() {
        return (int) live.stream().filter(LineConnection::isPaused).count();
    }

    /** Sessions waiting for their next command untimed, as conversing ones do (for tests). */
    int conversingCount() {
        return (int) live.stream().filter(LineConnection::isWaitingUntimed).count();
    }

    private void acceptLoop() {
        ServerSocket ss = serverSocket;
        long backoff = 0;
        while (!ss.isClosed()) {
            Socket s;
            try {
                s = ss.getChannel().accept().socket();
            } catch (IOException e) {
                if (ss.isClosed()) break;
                // Out of descriptors (EMFILE), the accept fails at once, again and again: retrying
                // at once spun both cores and wrote a WARN per failure (118,000 lines a second).
                // Backing off lets sessions end and free descriptors; one line per interval counts.
                backoff = backoff == 0 ? MIN_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoff * 2);
                long n = acceptFailures.tick(System.nanoTime());
                if (n > 0) {
                    log.warn("{}: accept failed{}: {}; retrying with back-off up to {} ms", options.protocol(),
                            n == 1 ? "" : " " + n + " times since the last such line", e.toString(), MAX_BACKOFF_MS);
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            if (backoff != 0) {
                backoff = 0;
                log.info("{}: accepting again after {} failed accepts", options.protocol(), acceptFailures.total());
                acceptFailures.reset();
            }
            InetAddress from = s.getInetAddress();
            // A proxy's connection is admitted by the client its header names, once read on the
            // session's thread: the proxy's own address is neither banned nor limited per address.
            boolean proxied = options.proxy().trusts(from);
            if (!proxied && !filter.admits(from)) {
                refuse(s, from, "address not admitted");
                continue;
            }
            String over = total.incrementAndGet() > options.limits().maxSessions()
                    ? "max-sessions " + options.limits().maxSessions() : proxied ? null : countAddress(from);
            if (over == null) {
                over = registry.admit();
                if (over != null && !proxied) release(from);
            }
            if (over != null) {
                refuse(s, from, "session limit (" + over + ")");
                total.decrementAndGet();
                continue;
            }
            long id = registry.nextId();
            Runnable session = () -> {
                InetSocketAddress client = proxied ? throughProxy(id, s) : (InetSocketAddress) s.getRemoteSocketAddress();
                if (client != null) {
                    run(id, s, client);
                } else {
                    total.decrementAndGet();
                    registry.leave();
                }
            };
            begin(id, s, session);
        }
    }

    /**
     * Starts a new session on a virtual thread, whichever thread runs it after: the virtual thread makes
     * the JDK keep the socket non-blocking ({@link #keepNonBlocking}), then hands the session to a
     * platform thread waiting for work, or runs it itself ({@link #start}).
     */
    private void begin(long id, Socket s, Runnable session) {
        startVirtual(id, () -> {
            keepNonBlocking(s);
            if (!platformSessions || !sessionThreads.tryStartIdle(threadName(id), session)) session.run();
        });
    }

    /**
     * Reads nothing from {@code s} on a virtual thread, which costs no system call but the mode's. The JDK
     * keeps a socket that a virtual thread has used in non-blocking mode for good, and waits for it with
     * poll(2); on any other, a platform thread's read with a timeout switches the socket to non-blocking and
     * back, four fcntl(2) calls per read: 16 of the 41 system calls per message of 200 SMTP sessions on
     * platform threads (docs/benchmarks.md, "The socket's mode").
     */
    private static void keepNonBlocking(Socket s) {
        if (s.getChannel() == null) return;
        try {
            s.getChannel().read(ByteBuffer.allocate(0));
        } catch (IOException e) {
            // the session's first read meets it again
        }
    }

    /**
     * Runs a session, or its next stretch after a pause, on a platform thread that is waiting for
     * work when there is one, else on a virtual thread. Only a conversing session makes a new
     * platform thread ({@link #commands}): a burst of clients that log in and fall silent leaves
     * no more platform threads than there were.
     */
    private void start(long id, Runnable work) {
        if (!platformSessions || !sessionThreads.tryStartIdle(threadName(id), work)) startVirtual(id, work);
    }

    /** Runs a session's next stretch on a virtual thread. */
    private void startVirtual(long id, Runnable work) {
        Thread.ofVirtual().name(threadName(id)).start(work);
    }

    /** What the thread running session {@code id} is called, whichever kind it is ("ftp-42"). */
    private String threadName(long id) {
        return options.protocol() + "-" + id;
    }

    /**
     * Counts a session from {@code from} against the per-address limit; returns null, or why it is
     * over (then it is not counted).
     */
    private String countAddress(InetAddress from) {
        if (perAddress.merge(filter.blockOf(from), 1, Integer::sum) <= options.limits().maxSessionsPerAddress()) return null;
        release(from);
        return "max-sessions-per-address " + options.limits().maxSessionsPerAddress();
    }

    /**
     * Reads the PROXY header of a connection from a trusted proxy, then admits the client it names
     * as the accept loop admits a direct one (ban list, per-address limit). Returns the client, or
     * null when the connection was closed.
     */
    private InetSocketAddress throughProxy(long id, Socket s) {
        InetAddress proxy = s.getInetAddress();
        InetSocketAddress client;
        try {
            long idle = options.limits().idleTimeout().toMillis();
            client = options.proxy().clientOf(s, idle == 0 ? ProxyProtocol.HEADER_TIMEOUT
                    : Duration.ofMillis(Math.min(idle, ProxyProtocol.HEADER_TIMEOUT.toMillis())));
        } catch (IOException e) {
            long n = badHeaders.tick(System.nanoTime());
            if (n > 0) {
                log.info("{}-{} closed: no valid PROXY header from {}: {}{}", options.protocol(), id, proxy.getHostAddress(),
                        e instanceof SocketTimeoutException ? "none within the header timeout" : LogSafe.text(e.getMessage()),
                        n == 1 ? "" : " (" + n + " such connections since the last such line)");
            }
            try { s.close(); } catch (IOException ignored) { /* already gone */ }
            return null;
        }
        InetAddress from = client.getAddress();
        String refused = !filter.admits(from) ? "address not admitted" : countAddress(from);
        if (refused != null) {
            refuse(s, from, refused + ", through proxy " + proxy.getHostAddress());
            return null;
        }
        return client;
    }

    /**
     * The server's clock for what a blocked socket call cannot time itself. A conversing session
     * waits for its next command untimed ({@link LineConnection#awaitCommand}): the watch takes its
     * buffers once it has waited {@link #PAUSE_AFTER_MILLIS} and ends the wait at the idle timeout.
     * A client that stops reading blocks our writes for ever (sockets have no write timeout) and
     * would keep its session, and things like a POP3 mailbox lock, for good: such sessions are
     * closed once a write has been stuck for the idle timeout.
     */
    private void watch() {
        long limit = options.limits().idleTimeout().toMillis();
        long period = limit == 0 ? MAX_WATCH_PERIOD_MILLIS : Math.max(50, Math.min(MAX_WATCH_PERIOD_MILLIS, limit / 4));
        while (!serverSocket.isClosed() || !live.isEmpty()) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.currentTimeMillis();
            for (LineConnection c : live) {
                c.watchIdle(now, PAUSE_AFTER_MILLIS);
                if (limit > 0 && c.writeStalledFor(now) > limit) {
                    log.info("{} closed: the client stopped reading for {} ms", c, limit);
                    c.close();
                }
            }
        }
    }

    /**
     * Sends the refusal line and closes, on a virtual thread so the accept loop goes on; logs
     * one line per interval however many are refused, so a flood cannot flood the log.
     */
    private void refuse(Socket s, InetAddress from, String why) {
        long n = refusals.tick(System.nanoTime());
        if (n > 0) {
            log.info("{}: refused {}: {}{}", options.protocol(), from.getHostAddress(), why,
                    n == 1 ? "" : " (" + n + " connections refused since the last such line)");
        }
        Thread.ofVirtual().start(() -> {
            try (s) {
                s.setSoTimeout(2000);
                if (options.refusalLine() != null) {
                    s.getOutputStream().write((options.refusalLine() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                }
            } catch (IOException ignored) {
                // refused peers that vanish first need no answer
            }
        });
    }

    /** Gives back what {@link #countAddress} took. */
    private void release(InetAddress from) {
        perAddress.computeIfPresent(filter.blockOf(from), (a, n) -> n <= 1 ? null : n - 1);
    }

    /** @param client the socket's peer, or the client a trusted proxy's header named */
    private void run(long id, Socket s, InetSocketAddress client) {
        InetAddress from = client.getAddress();
        LineConnection c = null;
        boolean handedOver = false;
        try {
            Socket socket = s;
            if (options.implicitTls() != null) {
                s.setSoTimeout((int) Math.min(30_000, options.limits().idleTimeout().toMillis()));
                var tls = options.implicitTls().wrapServer(s);
                try {
                    tls.startHandshake();
                } catch (IOException e) {
                    events.tlsHandshake(options.protocol(), false);
                    throw e;
                }
                events.tlsHandshake(options.protocol(), true);
                socket = tls;
            }
            c = new LineConnection(id, options.protocol(), socket, client, options.limits());
            c.events(events);
            live.add(c);
            registry.add(c);
            if (serverSocket.isClosed()) {
                c.closeWith(options.shutdownLine());
                return;
            }
            if (log.isDebugEnabled()) {
                log.debug("{} connected{}", c, client.equals(s.getRemoteSocketAddress()) ? ""
                        : " through proxy " + s.getInetAddress().getHostAddress() + ":" + s.getPort());
            }
            if (handler instanceof CommandSession.Opener opener) {
                CommandSession session = opener.open(c);
                handedOver = true;   // from here the session's steps end it, on whichever thread
                commands(id, c, from, session);
                return;
            }
            handler.serve(c);
        } catch (Throwable e) {
            ended(id, e);
        } finally {
            if (handedOver) {
                // commands() has ended the session, or will once it wakes
            } else if (c != null) {
                finish(c, from);
            } else {
                try { s.close(); } catch (IOException ignored) { /* already gone */ }
                release(from);
                total.decrementAndGet();
                registry.leave();
            }
        }
    }

    /**
     * Runs a session's commands on this thread until it ends, until it has waited
     * {@link #PAUSE_AFTER_MILLIS} for one and paused (then {@link #start} continues it here when the
     * command comes), or until it moves to another thread: to a platform thread once it converses
     * and one is free, to a virtual thread to wait for a silent client when it cannot pause (TLS).
     * A conversing session that found no platform thread waits untimed, as its timed wait would
     * cost a timer's hand-offs.
     */
    private void commands(long id, LineConnection c, InetAddress from, CommandSession session) {
        boolean movedOn = false;   // paused, or continued on another thread
        try {
            boolean platform = !Thread.currentThread().isVirtual();
            while (true) {
                boolean conversingVirtual = !platform && c.isConversing(CONVERSING_AFTER);
                if (!session.mayPause()) {
                    // the step's read keeps its timeout: the session needs it back
                } else if (conversingVirtual && platformSessions
                        && sessionThreads.tryStart(threadName(id), () -> commands(id, c, from, session))) {
                    movedOn = true;
                    return;
                } else if (conversingVirtual && c.channel() != null) {
                    c.awaitCommand(PAUSE_AFTER_MILLIS);   // TLS has no channel to read the first bytes from
                } else if (!c.inputWithin(PAUSE_AFTER_MILLIS)) {
                    if (c.pause(() -> start(id, () -> resume(id, c, from, session)))) {
                        movedOn = true;
                        return;
                    }
                    if (platform) {
                        movedOn = true;
                        startVirtual(id, () -> commands(id, c, from, session));
                        return;
                    }
                }
                if (!session.step()) return;
            }
        } catch (Throwable e) {
            ended(id, e);
        } finally {
            if (!movedOn) {
                try {
                    session.end();
                } catch (RuntimeException e) {
                    log.error("{}-{} session failed", options.protocol(), id, e);
                }
                finish(c, from);
            }
        }
    }

    private void resume(long id, LineConnection c, InetAddress from, CommandSession session) {
        try {
            c.resumed();
        } catch (Throwable e) {
            ended(id, e);
            session.end();
            finish(c, from);
            return;
        }
        commands(id, c, from, session);
    }

    /** Logs how a session ended: a timeout or a closed connection is normal, anything else a bug. */
    private void ended(long id, Throwable t) {
        if (t instanceof CommandTimeoutException e) {
            log.info("{}-{} closed: {}", options.protocol(), id, e.getMessage());
        } else if (t instanceof SocketTimeoutException) {
            log.info("{}-{} idle timeout", options.protocol(), id);
        } else if (t instanceof SocketException || t instanceof SSLException
                || t instanceof java.nio.channels.ClosedChannelException) {
            log.debug("{}-{} connection ended: {}", options.protocol(), id, t.toString());
        } else if (t instanceof IOException) {
            log.info("{}-{} connection ended: {}", options.protocol(), id, t.toString());
        } else {
            log.error("{}-{} session failed", options.protocol(), id, t);
        }
    }

    /** Closes an ended session's connection and gives back everything it held. */
    private void finish(LineConnection c, InetAddress from) {
        c.close();
        live.remove(c);
        registry.remove(c);
        signalEnded();
        log.info("{} {} closed after {} ms (in {} bytes, out {} bytes)", c, c.user() == null ? "(no login)" : c.user(),
                Duration.between(c.started(), Instant.now()).toMillis(), c.bytesIn(), c.bytesOut());
        release(from);
        total.decrementAndGet();
        registry.leave();
    }

    private void signalEnded() {
        endLock.lock();
        try {
            ended.signalAll();
        } finally {
            endLock.unlock();
        }
    }

    /**
     * Stops accepting, closes sessions that are waiting for a command at once, gives busy ones
     * (a transfer, a message body) up to {@code grace} to finish, then closes the rest. Each
     * closed session gets the shutdown line first. Returns as soon as the last session has ended
     * (or the grace is over): a server with no session open stops at once.
     */
    public void stop(Duration grace) {
        ServerSocket ss = serverSocket;
        if (ss == null) return;
        try {
            ss.close();
        } catch (IOException ignored) {
            // closing a listener cannot fail in a way we could act on
        }
        long deadline = System.nanoTime() + grace.toNanos();
        // A session's end wakes this loop at once (a test toolkit stops a server after every
        // test, and waits here); the pause only paces the look for busy sessions that have
        // meanwhile come to wait for a command: often at first, then less often.
        long pause = 1;
        while (true) {
            for (LineConnection c : live) {
                if (c.isAwaitingCommand()) c.closeWith(options.shutdownLine());
            }
            endLock.lock();
            try {
                long left = deadline - System.nanoTime();
                if (live.isEmpty() || left <= 0) break;
                ended.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(pause)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                endLock.unlock();
            }
            pause = Math.min(20, pause * 2);
        }
        for (LineConnection c : live) c.closeWith(options.shutdownLine());
        if (acceptor != null) {
            try {
                acceptor.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Every session is closed now: nothing left to watch, and its sleep need not outlive the server.
        if (watcher != null) watcher.interrupt();
    }

    @Override
    public void close() {
        stop(options.limits().shutdownGrace());
    }
}
