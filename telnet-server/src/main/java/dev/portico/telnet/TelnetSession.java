package dev.portico.telnet;

import dev.portico.core.CommandLine;
import dev.portico.core.CommandTable;
import dev.portico.core.LineConnection;
import dev.portico.core.LogSafe;
import dev.portico.core.Refusal;
import dev.portico.core.auth.User;
import dev.portico.core.fs.FileStore;
import dev.portico.core.fs.VirtualPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One Telnet connection after the NVT: the greeting, the login, then the shell loop, which hands
 * each command line to {@link ShellVerb#TABLE}. Runs on the connection's virtual thread; keys come
 * from its {@link TelnetTerminal}.
 */
final class TelnetSession implements LineEditor.Keys, CommandTable.SessionState<TelnetSession.Phase> {

    private static final Logger log = LoggerFactory.getLogger(TelnetSession.class);

    /** Where the session is; admin users run their shell in {@link #ADMIN}, which unlocks the console verbs. */
    enum Phase { LOGIN, SHELL, ADMIN }

    final TelnetServer.Shared shared;
    final TelnetConfig config;
    final Instant serverStarted;
    private final LineConnection connection;
    private final TelnetTerminal terminal;
    private final TelnetOutput out;
    private final LineEditor editor;
    private final List<String> history = new ArrayList<>();

    private Phase phase = Phase.LOGIN;
    User user;
    FileStore files;
    VirtualPath cwd = VirtualPath.ROOT;
    /** The command running now, as the user typed it: refusals and file errors start with it. */
    private String verb;

    /** Output the kernel may hold for a client: 64 KiB still streams at several MB/s on a LAN. */
    private static final int SEND_BUFFER = 64 * 1024;

    TelnetSession(TelnetServer.Shared shared, TelnetConfig config, LineConnection connection, Instant serverStarted) {
        this.shared = shared;
        this.config = config;
        this.serverStarted = serverStarted;
        this.connection = connection;
        this.terminal = new TelnetTerminal(connection);
        this.out = terminal.out();
        this.editor = new LineEditor(this, out, config.limits().maxLineLength());
    }

    void run() throws IOException {
        // an interactive session: Ctrl-C should stop output after a screenful or so, not megabytes
        connection.setSendBufferSize(SEND_BUFFER);
        terminal.start();
        try {
            terminal.negotiate(config.negotiationWait());
            out.println("Portico telnet shell (" + shared.domains().primary() + ")");
            if (login()) shell();
        } finally {
            terminal.finish();
            out.flush();
        }
    }

    private boolean login() throws IOException {
        for (int failures = 0; failures < config.loginAttempts(); ) {
            String name = editor.read(TelnetReplies.LOGIN_PROMPT, terminal.characterMode(), false);
            if (name == null) return endOfInput();
            name = name.strip();
            if (name.isEmpty()) continue;
            // In character mode we simply do not echo the password; in line mode we offer to echo
            // (so the client stops) and echo nothing. A client that refuses keeps echoing locally.
            boolean offered = terminal.offerEcho();
            String password = editor.read(TelnetReplies.PASSWORD_PROMPT, false, false);
            if (offered) terminal.withdrawEcho();
            if (password == null) return endOfInput();
            char[] secret = password.toCharArray();
            Optional<User> u = shared.logins().login("telnet", connection.remote().getAddress(), name, secret);
            Arrays.fill(secret, '\0');
            if (u.isPresent()) {
                startShell(u.get());
                return true;
            }
            failures++;
            out.println(TelnetReplies.LOGIN_INCORRECT);
        }
        out.println(TelnetReplies.TOO_MANY_FAILURES);
        return false;
    }

    private void startShell(User u) throws IOException {
        user = u;
        files = shared.files().home(u);
        phase = u.isAdmin() ? Phase.ADMIN : Phase.SHELL;
        connection.user(u.name());
        out.println(TelnetReplies.welcome(u.name()));
    }

    private void shell() throws IOException {
        while (true) {
            String line = editor.read(TelnetReplies.prompt(user.name(), cwd.toString()), terminal.characterMode(), true);
            if (line == null) {
                endOfInput();
                return;
            }
            line = line.strip();
            if (line.isEmpty()) continue;
            remember(line);
            ShellReply reply = execute(line);
            for (String l : reply.lines()) out.println(l);
            if (reply.logout()) {
                out.println(TelnetReplies.GOODBYE);
                log.info("{} {} logged out", connection, user.name());
                return;
            }
        }
    }

    /** Says goodbye for the reason the editor stopped; always false (the session ends). */
    private boolean endOfInput() throws IOException {
        switch (editor.end()) {
            case IDLE -> {
                out.println("");
                out.println(TelnetReplies.IDLE_GOODBYE);
                log.info("{} idle timeout", connection);
            }
            case LOGOUT -> out.println(TelnetReplies.GOODBYE);
            default -> { }
        }
        return false;
    }

    /**
     * Runs one command line through the table; a file error becomes one line while the client is
     * still there to read it.
     */
    ShellReply execute(String line) throws IOException {
        ShellWords.Split split = ShellWords.split(line);
        if (split.error() != null) return split.errorReply();
        List<ShellWords.Word> words = split.words();
        if (words.isEmpty()) return ShellReply.NONE;
        verb = words.get(0).text();
        String argument = line.substring(words.get(0).end()).strip();
        terminal.busy(true);
        log.debug("{} {}", connection, LogSafe.text(verb));     // never the arguments: users add/passwd carry passwords
        try {
            return ShellVerb.TABLE.dispatch(this, new CommandLine(verb.toUpperCase(Locale.ROOT), argument));
        } catch (IOException e) {
            if (connection.isClosed()) throw e;
            return ShellReply.of(verb + ": " + ShellErrors.describe(e));
        } finally {
            if (terminal.interrupted() && !connection.isClosed()) out.println(TelnetReplies.INTERRUPTED);
            terminal.busy(false);
        }
    }

    private void remember(String line) {
        if (config.historySize() == 0) return;
        String kept = ShellAdminCommands.redact(line);
        if (!history.isEmpty() && history.get(history.size() - 1).equals(kept)) return;
        history.add(kept);
        if (history.size() > config.historySize()) history.remove(0);
    }

    // ---- LineEditor.Keys ------------------------------------------------------------------------

    @Override public int next() { return terminal.next(); }
    @Override public boolean goAhead() { return terminal.goAhead(); }
    @Override public boolean serverEchoes() { return terminal.serverEchoes(); }
    @Override public List<String> history() { return history; }
    @Override public LineEditor.Completion complete(String before) { return ShellCompletion.complete(this, before); }

    // ---- what the table and the commands use ------------------------------------------------------

    @Override
    public Phase phase() {
        return phase;
    }

    /** Refuses the running command with one line, {@code verb: message}, from code below its handler. */
    Refusal refuse(String message) {
        return new Refusal(ShellReply.of(verb + ": " + message));
    }

    @Override
    public String toString() {
        return connection.toString();
    }

    boolean pause(Duration d) { return terminal.pause(d); }
    boolean interrupted() { return terminal.interrupted(); }
    boolean isWaitingForInput() { return terminal.isWaitingForInput(); }
    boolean ansi() { return terminal.ansi(); }
    int width() { return terminal.width(); }
    int height() { return terminal.height(); }
    TelnetOutput out() { return out; }
    LineConnection connection() { return connection; }
    List<String> commandHistory() { return history; }
}
