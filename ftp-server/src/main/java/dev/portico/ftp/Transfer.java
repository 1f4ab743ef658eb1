package dev.portico.ftp;

import dev.portico.core.LogSafe;
import dev.portico.core.MinDataRate;
import dev.portico.core.PlatformThreads;
import dev.portico.core.Reply;
import dev.portico.core.tls.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One data transfer on a thread of its own (see {@link #start}), so the control connection
 * keeps reading ABOR and STAT meanwhile (RFC 959 §4.1.3). The transfer gets everything it needs at construction and
 * talks back only through {@link Replies} (the connection's locked send) and its own atomic
 * fields, never through the session's mutable state.
 */
final class Transfer {

    private static final Logger log = LoggerFactory.getLogger(Transfer.class);
    private static final int BUFFER = 64 * 1024;
    /**
     * sendfile moves a file in slices so that progress (and the stall watchdog) sees a slow client
     * move. A slice starts at the smallest size and doubles while the client takes each one within
     * {@link #SLICE_QUICK}: 1 MiB slices cost a fast client 7% of loopback throughput against one
     * call for the whole file, 8 MiB ones nothing measurable (docs/benchmarks.md, "RETR: sendfile
     * slices that grow"). A slice that takes longer halves again, so a client that slows down is
     * watched at the old grain: only a fall of its rate by over a thousand times within one 8 MiB
     * slice could outlast the default 30 s data timeout while still moving.
     */
    private static final long SLICE_MIN = 1 << 20, SLICE_MAX = 8 << 20;
    private static final long SLICE_QUICK = 10_000_000;   // ns
    /** A listing is sent in pieces of this size: a few lines fit one segment, a large one moves in 16 KiB writes. */
    private static final int LIST_BUFFER = 16 * 1024;

    /** Sends a reply on the control connection from the transfer thread. */
    @FunctionalInterface
    interface Replies {
        void send(Reply reply) throws IOException;
    }

    /** The data streams of an open data connection; {@code channel} is set only without TLS. */
    record Streams(SocketChannel channel, InputStream in, OutputStream out) {}

    /** What moves over the data connection; returns bytes moved. */
    @FunctionalInterface
    interface Body {
        long run(Streams data, AtomicLong progress) throws IOException;
    }

    /**
     * A body that sends with sendfile ({@code transferTo}) when the data connection is plain: a
     * native call that would hold a virtual thread's carrier for as long as the client's window
     * stays full (see {@link #start}).
     */
    @FunctionalInterface
    interface SendfileBody extends Body {}

    /** Runs after the body, before 226 (the rename of an upload into place). The cleanup passed
     * with it runs instead when the transfer fails, also before the body started (it closes the file). */
    @FunctionalInterface
    interface Finish {
        void run() throws IOException;
    }

    /** Told once when the transfer has ended, on the transfer's thread, before its final reply. */
    @FunctionalInterface
    interface Ended {
        /**
         * @param bytes    bytes moved over the data connection
         * @param complete every byte went through and the file is in place (226)
         * @param start    when the transfer began
         * @param took     how long it ran
         */
        void ended(long bytes, boolean complete, Instant start, Duration took);
    }

    /** TLS wrapping of the data connection (PROT P), with the control session for the resumption check. */
    record Protection(Tls tls, SSLSession control, FtpConfig.TlsResumption policy) {}

    /** A failure on the disk side, as opposed to the data connection: mapped by {@link FtpReplies#error}. */
    static final class DiskError extends IOException {
        DiskError(IOException cause) {
            super(cause);
        }
    }

    private final String session;
    private final String what;
    private final DataChannel data;
    private final Protection protection;
    private final Replies replies;
    private final Reply opening;
    private final Body body;
    private final Finish finish;
    private final Runnable cleanup;
    private final boolean upload;
    /** Reports the bytes moved (the registry's bytes in/out) and the outcome (metrics, xferlog), once per transfer. */
    private final Ended ended;
    private final AtomicLong progress = new AtomicLong();
    private volatile boolean aborted;
    private volatile Socket socket;
    /** Open until {@link #run} has sent the final reply: what {@code thread.isAlive()} was with a thread per transfer. */
    private final CountDownLatch done = new CountDownLatch(1);
    /** Bytes moved, as the body reported them. */
    private volatile long moved;

    Transfer(String session, String what, DataChannel data, Protection protection, Replies replies, Reply opening,
             boolean upload, Body body, Finish finish, Runnable cleanup, Ended ended) {
        this.ended = ended;
        this.session = session;
        this.what = LogSafe.text(what);   // the command and the client's path: it goes to the log (and STAT)
        this.data = data;
        this.protection = protection;
        this.replies = replies;
        this.opening = opening;
        this.upload = upload;
        this.body = body;
        this.finish = finish;
        this.cleanup = cleanup;
    }

    Transfer start(PlatformThreads threads) {
        Runnable work = () -> {
            try {
                run();
            } finally {
                done.countDown();
            }
        };
        if (body instanceof SendfileBody && protection == null) {
            // A platform thread: a binary RETR sends with sendfile (transferTo), a native call that
            // holds its carrier while the client's window is full. As a virtual thread a few stalled
            // or slow downloads pinned every carrier of the machine, and every session of every
            // protocol stopped until they ended (seen as control replies late by seconds, an ABOR
            // answered only after the data timeout). Such a transfer is worth a thread of its own,
            // taken from the server's idle ones when there is one. They are not capped: the
            // sessions bound the transfers, and a transfer waiting for a thread could not be aborted.
            if (!threads.tryStart(session + "-data", work)) {
                // the server stopping while a session still starts one
                Thread.ofPlatform().daemon(true).name(session + "-data").start(work);
            }
        } else {
            // Listings, uploads, ASCII and TLS transfers block only where the JDK parks a virtual
            // thread (socket I/O) or compensates for it (file I/O): no platform thread to hand over
            // to and wake, which cost a futex round trip per transfer.
            Thread.ofVirtual().name(session + "-data").start(work);
        }
        return this;
    }

    boolean isRunning() {
        return done.getCount() > 0;
    }

    boolean isUpload() {
        return upload;
    }

    /** Whether the data connection is open: before it is, the accept or connect has its own timeout (425). */
    boolean isConnected() {
        return socket != null;
    }

    /** Bytes moved so far (what STAT shows and the stall watchdog watches). */
    long progress() {
        return progress.get();
    }

    String status() {
        return what + ": " + progress.get() + " bytes so far";
    }

    /** Waits for the transfer to end by itself. */
    void join() {
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the transfer finish within {@code grace}, then aborts it (the session is ending). */
    void finishWithin(Duration grace) {
        try {
            done.await(grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (isRunning()) abort();
    }

    /** ABOR: closes the data connection and waits (bounded) until the thread has sent its 426. */
    void abort() {
        aborted = true;
        data.close();
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        try {
            done.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long started = System.nanoTime();
        Instant start = Instant.now();
        boolean ok = false;
        SocketChannel ch;
        try {
            ch = data.open();
        } catch (IOException e) {
            log.info("{} {}: no data connection: {}", session, what, e.getMessage());
            cleanup.run();
            ended.ended(0, false, start, Duration.ofNanos(System.nanoTime() - started));
            reply(aborted ? FtpReplies.TRANSFER_ABORTED : FtpReplies.CANT_OPEN_DATA);
            return;
        }
        socket = ch.socket();
        Reply result;
        try {
            replies.send(opening);
            Streams streams = protection == null ? new Streams(ch, ch.socket().getInputStream(), ch.socket().getOutputStream())
                    : secure(ch);
            if (streams == null) {
                socket.close();
                result = FtpReplies.TLS_REUSE_REQUIRED;
            } else {
                moved = body.run(streams, progress);
                // ABOR shuts the data socket down, which a reader may see as a normal end of data:
                // an aborted upload must never be taken for a complete one.
                if (aborted) throw new IOException("aborted by the client");
                closeCleanly(socket);
                if (finish != null) {
                    try {
                        finish.run();
                    } catch (IOException e) {
                        throw new DiskError(e);
                    }
                }
                ok = true;
                if (isListing()) {
                    log.debug("{} {}: {} bytes in {} ms", session, what, moved, (System.nanoTime() - started) / 1_000_000);
                } else {
                    log.info("{} {}: {} bytes in {} ms", session, what, moved, (System.nanoTime() - started) / 1_000_000);
                }
                result = FtpReplies.TRANSFER_COMPLETE;
            }
        } catch (DiskError e) {
            log.info("{} {}: failed on disk: {}", session, what, e.getCause().toString());
            result = FtpReplies.error((Exception) e.getCause());
        } catch (MinDataRate.SlowTransferException e) {
            log.info("{} {}: {} after {} bytes: aborted", session, what, e.getMessage(), progress.get());
            result = FtpReplies.TRANSFER_ABORTED;
        } catch (IOException e) {
            log.info("{} {}: {} after {} bytes: {}", session, what, aborted ? "aborted" : "data connection lost",
                    progress.get(), e.toString());
            result = FtpReplies.TRANSFER_ABORTED;
        } catch (RuntimeException e) {
            log.error("{} {}: transfer failed", session, what, e);
            result = FtpReplies.LOCAL_ERROR;
        } finally {
            data.close();
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do with it
            }
            if (!ok) cleanup.run();
        }
        // Counted here and only here, once, before the final reply: a client that reads the
        // session's traffic (or the metrics) right after 226 sees this transfer in it.
        ended.ended(moved == 0 ? progress.get() : moved, ok && result == FtpReplies.TRANSFER_COMPLETE, start,
                Duration.ofNanos(System.nanoTime() - started));
        reply(result);
    }

    /**
     * Ends a finished data connection. A plain close of a TLS 1.3 socket makes the JDK send a
     * user_canceled alert before close_notify, which GnuTLS clients (lftp) report as a fatal
     * error; closing the output first sends close_notify alone (RFC 8446 §6.1).
     */
    private static void closeCleanly(Socket socket) throws IOException {
        if (socket instanceof SSLSocket ssl) ssl.shutdownOutput();
        socket.close();
    }

    /** Directory listings are routine; only file transfers are session events worth an INFO line. */
    private boolean isListing() {
        return what.startsWith("LIST") || what.startsWith("NLST") || what.startsWith("MLSD");
    }

    private Streams secure(SocketChannel ch) throws IOException {
        SSLSocket ssl = protection.tls().wrapServer(ch.socket(), protection.control());
        ssl.setSoTimeout(ch.socket().getSoTimeout());
        socket = ssl;
        long before = System.currentTimeMillis();
        ssl.startHandshake();
        if (protection.policy() == FtpConfig.TlsResumption.ENFORCED && !resumes(protection.control(), ssl.getSession(), before)) {
            log.warn("{} {}: data connection did not resume the control connection's TLS session: refused", session, what);
            return null;
        }
        return new Streams(null, ssl.getInputStream(), ssl.getOutputStream());
    }

    /**
     * Whether the data connection's TLS session is a resumption of the control connection's. TLS 1.2
     * resumption keeps the session ID. The JDK gives a TLS 1.3 resumption (PSK) a new ID but keeps the
     * original session's creation time, which a fresh handshake, made after the control one, cannot have.
     */
    static boolean resumes(SSLSession control, SSLSession data, long handshakeStart) {
        if (control == null || data == null || !control.getProtocol().equals(data.getProtocol())) return false;
        if ("TLSv1.3".equals(data.getProtocol())) {
            return data.getCreationTime() == control.getCreationTime() && data.getCreationTime() < handshakeStart;
        }
        return control.getId().length > 0 && Arrays.equals(control.getId(), data.getId());
    }

    private void reply(Reply r) {
        try {
            replies.send(r);
        } catch (IOException e) {
            log.debug("{} {}: control connection gone: {}", session, what, e.toString());
        }
    }

    // ---- bodies -------------------------------------------------------------------------------

    /**
     * Sends a file of {@code size} bytes from {@code offset}; binary without TLS uses sendfile
     * ({@code transferTo}), except for what fits one copy buffer: that is one read and one write on
     * a virtual thread, where sendfile would have cost a platform thread's hand-over and its wake-up
     * (a futex each way) for a single call.
     */
    static Body sendFile(FileChannel file, long offset, long size, boolean ascii) {
        boolean copy = ascii || size - offset <= BUFFER;
        SendfileBody send = (d, progress) -> {
            try (file) {
                if (!copy && d.channel() != null) {
                    // Nagle's algorithm on while the file streams: with TCP_NODELAY (set for every data
                    // connection, see DataChannel.open) each slice's short last segment went out on its
                    // own, 10-20% of loopback throughput (docs/benchmarks.md, "RETR: Nagle's algorithm
                    // on"). Turning it back on at the end pushes the last partial segment out at once.
                    d.channel().setOption(StandardSocketOptions.TCP_NODELAY, false);
                    long pos = offset, end = file.size(), slice = SLICE_MIN;
                    while (pos < end) {
                        long t0 = System.nanoTime();
                        long n = file.transferTo(pos, Math.min(slice, end - pos), d.channel());
                        if (n <= 0) break;   // the file shrank under us
                        pos += n;
                        progress.set(pos - offset);
                        long took = System.nanoTime() - t0;
                        if (took < SLICE_QUICK) slice = Math.min(slice * 2, SLICE_MAX);
                        else if (took > 4 * SLICE_QUICK) slice = Math.max(slice / 2, SLICE_MIN);
                    }
                    d.channel().setOption(StandardSocketOptions.TCP_NODELAY, true);
                    return pos - offset;
                }
                file.position(offset);
                // a small file's buffer is its size (8 KiB at least), not 64 KiB; one that grew is read to its end
                byte[] in = new byte[(int) Math.min(BUFFER, Math.max(8192, size - offset))];
                byte[] out = ascii ? new byte[in.length * 2] : in;
                ByteBuffer bb = ByteBuffer.wrap(in);
                long total = 0;
                boolean lastCr = false;
                while (true) {
                    bb.clear();
                    int n = file.read(bb);
                    if (n < 0) break;
                    int len = n;
                    if (ascii) {
                        // RFC 959 §3.1.1.1: NVT-ASCII on the wire, every line ends in CR LF
                        len = 0;
                        for (int i = 0; i < n; i++) {
                            byte b = in[i];
                            if (b == '\n' && !lastCr) out[len++] = '\r';
                            out[len++] = b;
                            lastCr = b == '\r';
                        }
                    }
                    d.out().write(out, 0, len);
                    total += len;
                    progress.set(total);
                }
                d.out().flush();
                return total;
            }
        };
        return copy ? send::run : send;
    }

    /**
     * Sends listing lines as they are made, each ended by CR LF, in UTF-8 (RFC 2640). A directory
     * that fails while it is read is a disk error (its reply from {@link FtpReplies#error}).
     */
    static Body sendLines(Stream<String> lines) {
        return (d, progress) -> {
            try (lines) {
                OutputStream out = d.out();
                byte[] buf = new byte[LIST_BUFFER];
                int used = 0;
                long total = 0;
                for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                    byte[] b = (it.next() + "\r\n").getBytes(StandardCharsets.UTF_8);
                    if (used + b.length > buf.length) {
                        out.write(buf, 0, used);
                        total += used;
                        progress.set(total);
                        used = 0;
                    }
                    if (b.length > buf.length) {
                        out.write(b);
                        total += b.length;
                    } else {
                        System.arraycopy(b, 0, buf, used, b.length);
                        used += b.length;
                    }
                }
                out.write(buf, 0, used);
                out.flush();
                total += used;
                progress.set(total);
                return total;
            } catch (UncheckedIOException e) {
                throw new DiskError(e.getCause());
            }
        };
    }

    /**
     * Receives into {@code file} at its current position; forces it to disk before 226. Slower
     * than {@code minRate} from its first byte on, it fails with a
     * {@link MinDataRate.SlowTransferException}: judged here, on the thread that sees every byte,
     * whatever the control connection is doing meanwhile.
     */
    static Body receiveFile(FileChannel file, boolean ascii, MinDataRate minRate) {
        return (d, progress) -> {
            Arrivals arrivals = new Arrivals(progress, minRate);
            if (!ascii && d.channel() != null) return receiveDirect(file, d.channel(), arrivals);
            try (file) {
                byte[] in = new byte[BUFFER];
                byte[] out = ascii ? new byte[BUFFER + 1] : in;
                boolean pendingCr = false;
                int n;
                while ((n = d.in().read(in)) >= 0) {
                    arrivals.add(n);
                    int len = n;
                    if (ascii) {
                        // CR LF becomes the local LF; a lone CR stays
                        len = 0;
                        for (int i = 0; i < n; i++) {
                            byte b = in[i];
                            if (pendingCr) {
                                if (b != '\n') out[len++] = '\r';
                                pendingCr = false;
                            }
                            if (b == '\r') pendingCr = true; else out[len++] = b;
                        }
                    }
                    writeAll(file, out, len);
                }
                if (pendingCr) writeAll(file, new byte[]{'\r'}, 1);
                force(file);
                return arrivals.total;
            }
        };
    }

    /** Counts an upload's bytes into its progress and judges its rate, from the first byte on. */
    private static final class Arrivals {
        private final AtomicLong progress;
        private final MinDataRate minRate;
        private MinDataRate.Meter meter;
        long total;

        Arrivals(AtomicLong progress, MinDataRate minRate) {
            this.progress = progress;
            this.minRate = minRate;
        }

        void add(int n) throws MinDataRate.SlowTransferException {
            total += n;
            progress.set(total);
            if (minRate.isOff()) return;
            if (meter == null) meter = minRate.start();
            meter.count(n);
        }
    }

    /**
     * Binary without TLS: socket to file through one direct buffer, no copy into the heap and back. It starts
     * small (a small upload costs 64 KiB); the first read that fills it shows the client sends faster than
     * that, and the transfer goes on with a 2 MiB one from {@link ReceiveBuffers} when one is free.
     */
    private static long receiveDirect(FileChannel file, SocketChannel channel, Arrivals arrivals) throws IOException {
        ByteBuffer large = null;
        try (file) {
            ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
            while (channel.read(buf) >= 0) {
                boolean full = !buf.hasRemaining();
                buf.flip();
                arrivals.add(buf.remaining());
                try {
                    while (buf.hasRemaining()) file.write(buf);
                } catch (IOException e) {
                    throw new DiskError(e);
                }
                buf.clear();
                if (full && large == null && (large = ReceiveBuffers.take()) != null) buf = large;
            }
            force(file);
            return arrivals.total;
        } finally {
            if (large != null) ReceiveBuffers.give(large);
        }
    }

    /** 226 promises the file is on disk. */
    private static void force(FileChannel file) throws DiskError {
        try {
            file.force(true);
        } catch (IOException e) {
            throw new DiskError(e);
        }
    }

    private static void writeAll(FileChannel file, byte[] b, int len) throws DiskError {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, len);
        try {
            while (bb.hasRemaining()) file.write(bb);
        } catch (IOException e) {
            throw new DiskError(e);
        }
    }
}
