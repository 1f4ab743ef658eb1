package dev.portico.ftp;

import dev.portico.core.BareLineEndingException;
import dev.portico.core.CommandLine;
import dev.portico.core.CommandSession;
import dev.portico.core.CommandTable;
import dev.portico.core.CommandTimeoutException;
import dev.portico.core.LineConnection;
import dev.portico.core.LogSafe;
import dev.portico.core.PlatformThreads;
import dev.portico.core.Verb;
import dev.portico.core.LineEnding;
import dev.portico.core.LineTooLongException;
import dev.portico.core.Refusal;
import dev.portico.core.Reply;
import dev.portico.core.auth.User;
import dev.portico.core.fs.FileStore;
import dev.portico.core.fs.FileStores;
import dev.portico.core.fs.VirtualPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One FTP control connection: its phase, the logged-in user and file store, the working
 * directory, transfer parameters and the pending data connection. Belongs to the thread that runs
 * the connection's step; a running {@link Transfer} only reads what it was given. What it shares with the
 * server's other sessions it gets as values: the config, the {@link FtpServer.Shared} objects and
 * the server's {@link PassivePorts} and transfer threads ({@link PlatformThreads}).
 */
final class FtpSession implements CommandTable.SessionState<FtpSession.Phase>, CommandSession {

    private static final Logger log = LoggerFactory.getLogger(FtpSession.class);
    /** Failed PASS commands one connection may make before it is closed. */
    static final int MAX_LOGIN_FAILURES = 5;

    /** Where the session is in the login sequence (RFC 959 §5.4); RENAMING is "after RNFR". */
    enum Phase { NOT_LOGGED_IN, NEED_PASSWORD, LOGGED_IN, RENAMING }

    final LineConnection connection;
    final FtpConfig config;
    final FtpServer.Shared shared;
    final PassivePorts passive;
    private final PlatformThreads transferThreads;

    Phase phase = Phase.NOT_LOGGED_IN;
    String pendingUser;
    boolean anonymous;
    int loginFailures;
    /** Null when anonymous. */
    User user;
    String userName;
    FileStore files;
    VirtualPath cwd = VirtualPath.ROOT;
    VirtualPath renameFrom;

    boolean ascii;
    long restOffset;
    boolean pbsz;
    boolean protP;
    boolean epsvAll;
    Set<String> mlstFacts = FtpListing.ALL_FACTS;
    DataChannel dataChannel;
    Transfer transfer;

    FtpSession(LineConnection connection, FtpConfig config, FtpServer.Shared shared, PassivePorts passive,
               PlatformThreads transferThreads) {
        this.connection = connection;
        this.config = config;
        this.shared = shared;
        this.passive = passive;
        this.transferThreads = transferThreads;
    }

    /** Starts the session: the greeting. Its commands then come one {@link #step} at a time. */
    FtpSession open() throws IOException {
        connection.setTelnetControl(true);              // RFC 959 §4.1.3: the control connection is Telnet
        connection.setLineEnding(LineEnding.LENIENT);
        // Lines are read as bytes (ISO-8859-1 keeps every byte) and decoded by decode(): UTF-8
        // when valid (RFC 2640), else byte for byte, so IAC IAC's literal 0xFF survives.
        connection.setCharset(StandardCharsets.ISO_8859_1);
        send(FtpReplies.WELCOME);
        return this;
    }

    /**
     * Not while a transfer is under way or unfinished: it writes its own reply, and the session
     * watches it and forgets it on the control connection's read timeouts.
     */
    @Override
    public boolean mayPause() {
        return transfer == null;
    }

    @Override
    public void end() {
        endTransfer();
    }

    @Override
    public boolean step() throws IOException {
        String raw;
        try {
            raw = connection.readLine();
        } catch (LineTooLongException e) {
            send(FtpVerb.TABLE.badInput(this, FtpReplies.LINE_TOO_LONG));
            return true;
        } catch (BareLineEndingException e) {
            return true;   // not raised under LENIENT
        } catch (CommandTimeoutException e) {
            // a dribbled command line ends the session even while a transfer runs
            send(FtpReplies.IDLE_TIMEOUT);
            log.info("{} closed: {}", connection, e.getMessage());
            return false;
        } catch (SocketTimeoutException e) {
            if (transfer != null) {
                // a long transfer is not idleness, a stalled one is
                if (transfer.isRunning()) watchTransfer(); else finishTransfer();
                return true;
            }
            send(FtpReplies.IDLE_TIMEOUT);
            log.info("{} idle timeout", connection);
            return false;
        }
        if (raw == null) return false;
        Reply reply = execute(command(decode(raw)));
        if (transfer != null && transfer.isRunning()) watchTransfer();
        if (reply == null) return true;
        write(reply);
        if (reply.close()) {
            connection.flush();
            return false;
        }
        if (!connection.hasBufferedInput()) connection.flush();
        return true;
    }

    /**
     * Parses a command line. Leading spaces and bytes above 0x7F go. The core now reads urgent
     * data in line on the control connection, so a Telnet Synch (RFC 959 §4.1.3) is dropped whole
     * and the abort tests pass without the rest of this method; mapping {@code BOR} back to
     * {@code ABOR} (what a lone IAC left by an out-of-band DM used to make of it) is kept only as
     * a fallback for sockets that cannot read urgent data in line.
     */
    static CommandLine command(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) > 0x7f)) i++;
        CommandLine c = CommandLine.parse(line.substring(i));
        return c.verb().equals("BOR") && c.argument().isEmpty() ? new CommandLine("ABOR", "") : c;
    }

    private long watchedProgress = -1;
    private long watchedSince;

    /**
     * Aborts a transfer that has moved no byte for the data timeout (a client that stopped
     * reading or sending). Called when the control connection has been quiet for a while and
     * after every command, so a client that keeps talking cannot hold a stalled transfer. An
     * upload's minimum rate is judged by the transfer itself ({@link Transfer#receiveFile}).
     */
    private void watchTransfer() throws IOException {
        // Not yet connected: DataChannel's own timeout answers 425; judging it here too would race
        // that with a 426 for a transfer that never began.
        if (!transfer.isConnected()) return;
        long now = System.nanoTime(), p = transfer.progress();
        if (p != watchedProgress) {
            watchedProgress = p;
            watchedSince = now;
            return;
        }
        if (now - watchedSince >= config.dataTimeout().toNanos()) {
            log.info("{} transfer stalled for {}: aborted", connection, config.dataTimeout());
            transfer.abort();
        }
    }

    void startTransfer(Transfer t) throws IOException {
        transfer = t.start(transferThreads);
        watchedProgress = -1;
        // wake up often enough to notice a stalled transfer (0 is no timeout, not the shortest)
        long data = config.dataTimeout().toMillis(), idle = config.limits().idleTimeout().toMillis();
        connection.setIdleTimeout(data == 0 ? idle : idle == 0 ? data : Math.min(data, idle));
    }

    /** Runs one command line through the table; null when the handler has answered already. */
    private Reply execute(CommandLine cmd) throws IOException {
        if (log.isDebugEnabled()) {
            log.debug("{} <- {}", connection, cmd.verb().equals("PASS") ? "PASS ****" : LogSafe.text(cmd.verb() + " " + cmd.argument()));
        }
        if (phase == Phase.RENAMING && !cmd.verb().equals("RNTO")) {
            // RFC 959 §4.1.3: RNTO must come right after RNFR
            phase = Phase.LOGGED_IN;
            renameFrom = null;
        }
        return FtpVerb.TABLE.dispatch(this, cmd);
    }

    // ---- what the command table asks ------------------------------------------------------------

    @Override
    public Phase phase() {
        return phase;
    }

    /** With {@code ftp.tls.required}: USER and PASS need AUTH TLS, the data verbs PROT P. */
    @Override
    public boolean tlsMissing(Verb<?, Phase, ?> verb) {
        if (!config.tlsRequired()) return false;
        return FtpVerb.opensData(verb) ? !protP : !connection.isSecure();
    }

    /**
     * RFC 959 §5.3: commands other than ABOR, STAT and NOOP wait for a running transfer's final
     * reply; a transfer that has ended is forgotten either way (its thread counted its bytes).
     */
    @Override
    public void settle(boolean waitForTransfer) throws IOException {
        if (transfer == null) return;
        if (waitForTransfer) {
            connection.flush();
            transfer.join();
        }
        if (!transfer.isRunning()) finishTransfer();
    }

    // ---- replies ------------------------------------------------------------------------------

    /** Writes and flushes a reply; safe from the transfer thread too. */
    void send(Reply reply) throws IOException {
        connection.send(encode(reply));
    }

    private void write(Reply reply) throws IOException {
        connection.write(encode(reply));
    }

    /** The connection writes ISO-8859-1; this turns text into its UTF-8 bytes seen as ISO-8859-1. */
    private static Reply encode(Reply r) {
        boolean ascii = true;
        for (String l : r.lines()) {
            for (int i = 0; i < l.length() && ascii; i++) ascii = l.charAt(i) < 0x80;
        }
        if (ascii) return r;
        List<String> lines = new ArrayList<>(r.lines().size());
        for (String l : r.lines()) lines.add(new String(l.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        return new Reply(r.code(), lines, r.close(), r.style());
    }

    /** A line read as ISO-8859-1: its bytes as UTF-8 when they are valid UTF-8, else as they are. */
    static String decode(String raw) {
        boolean ascii = true;
        for (int i = 0; i < raw.length() && ascii; i++) ascii = raw.charAt(i) < 0x80;
        if (ascii) return raw;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return raw;
        }
    }

    // ---- paths and state ------------------------------------------------------------------------

    /**
     * A client's path resolved against the working directory, inside the user's root.
     *
     * @throws Refusal with 553 for a name no file can have (a NUL byte)
     */
    VirtualPath resolve(String argument) {
        try {
            return cwd.resolve(argument);
        } catch (InvalidPathException e) {
            throw new Refusal(FtpReplies.BAD_FILE_NAME);
        }
    }

    /**
     * A path the client names for something it creates (STOR, APPE, RNTO, MKD), resolved as by
     * {@link #resolve}.
     *
     * @throws Refusal with 553 for a name reserved for upload temporaries: they are hidden from
     *         listings and deleted at start as a crash's leftovers, so a file so named would vanish
     */
    VirtualPath resolveNew(String argument) {
        VirtualPath p = resolve(argument);
        if (FileStores.isUploadTemporary(p.name())) throw new Refusal(FtpReplies.BAD_FILE_NAME);
        return p;
    }

    void loggedIn(String name, User user, FileStore store) {
        this.userName = name;
        this.user = user;
        this.files = store;
        this.cwd = VirtualPath.ROOT;
        this.phase = Phase.LOGGED_IN;
        connection.user(name);
    }

    /** Forgets the login (after AUTH TLS, RFC 4217 §4: the client logs in again). */
    void resetLogin() {
        phase = Phase.NOT_LOGGED_IN;
        pendingUser = null;
        anonymous = false;
        user = null;
        userName = null;
        files = null;
        cwd = VirtualPath.ROOT;
        renameFrom = null;
        closeDataChannel();
    }

    void replaceDataChannel(DataChannel next) {
        closeDataChannel();
        dataChannel = next;
    }

    void closeDataChannel() {
        if (dataChannel != null) {
            dataChannel.close();
            dataChannel = null;
        }
    }

    /** Takes the pending data connection for a transfer, or null when there is none (425). */
    DataChannel takeDataChannel() {
        DataChannel d = dataChannel;
        dataChannel = null;
        return d;
    }

    /** REST applies to the next transfer only. */
    long takeRestOffset() {
        long r = restOffset;
        restOffset = 0;
        return r;
    }

    /** Forgets a finished transfer (its thread has counted its bytes) and restores the idle timeout. */
    private void finishTransfer() {
        transfer = null;
        try {
            connection.setIdleTimeout(config.limits().idleTimeout().toMillis());
        } catch (IOException e) {
            // the control connection is gone; the session loop will notice
        }
    }

    /** ABOR: 426 from the transfer thread, then true (the caller replies 226); false when none ran. */
    boolean abortTransfer() {
        Transfer t = transfer;
        if (t == null) return false;
        boolean running = t.isRunning();
        if (running) t.abort();
        finishTransfer();
        return running;
    }

    /**
     * The control connection ended (QUIT, EOF, or a server shutdown closing it): a running transfer
     * still gets the shutdown grace to complete, so a stopping server does not cut uploads short.
     */
    private void endTransfer() {
        if (transfer != null) {
            transfer.finishWithin(config.limits().shutdownGrace());
            finishTransfer();
        }
        closeDataChannel();
    }

    String owner() {
        return userName == null ? "ftp" : userName;
    }

    @Override
    public String toString() {
        return connection + (userName == null ? "" : " " + userName);
    }
}
