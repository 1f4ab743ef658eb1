package dev.portico.telnet;

import dev.portico.core.CommandLine;
import dev.portico.core.CommandTable;
import dev.portico.core.Verb;
import dev.portico.telnet.TelnetSession.Phase;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The shell's command table: every command, the phases it may run in (the console commands only
 * in {@link Phase#ADMIN}), its handler and its line of help. The constant name is the command in
 * upper case. {@link #TABLE} answers unknown commands and console commands used by non-admins, and
 * turns a handler's bug into one line; the handlers never re-check any of it. The shell has no
 * gates and no bad-command budget: a person at a terminal may mistype as often as they like.
 */
enum ShellVerb implements Verb<TelnetSession, Phase, ShellReply> {
    HELP(shell(), ShellCommands::help, "help", "list the commands"),
    PWD(shell(), ShellFileCommands::pwd, "pwd", "print the current directory"),
    CD(shell(), ShellFileCommands::cd, "cd [DIR]", "change directory (no DIR: your home)"),
    LS(shell(), ShellFileCommands::ls, "ls [-l] [PATH]", "list a directory"),
    CAT(shell(), ShellFileCommands::cat, "cat FILE...", "print files"),
    HEAD(shell(), ShellFileCommands::head, "head [-n N] FILE", "print the first lines of a file"),
    TAIL(shell(), ShellFileCommands::tail, "tail [-n N] FILE", "print the last lines of a file"),
    MKDIR(shell(), ShellFileCommands::mkdir, "mkdir DIR...", "create directories"),
    RM(shell(), ShellFileCommands::rm, "rm PATH...", "delete files or empty directories"),
    MV(shell(), ShellFileCommands::mv, "mv FROM TO", "rename or move"),
    CP(shell(), ShellFileCommands::cp, "cp FROM TO", "copy a file"),
    STAT(shell(), ShellFileCommands::stat, "stat PATH", "show size and times"),
    DU(shell(), ShellFileCommands::du, "du [PATH]", "disk usage of a directory tree"),
    ECHO(shell(), ShellCommands::echo, "echo [WORD...]", "print words ('quotes' and \\escapes work)"),
    SLEEP(shell(), ShellCommands::sleep, "sleep SECONDS", "wait (Ctrl-C interrupts)"),
    DATE(shell(), ShellCommands::date, "date", "current date and time (UTC)"),
    UPTIME(shell(), ShellCommands::uptime, "uptime", "how long Portico has run"),
    WHOAMI(shell(), ShellCommands::whoami, "whoami", "your user name"),
    WHO(shell(), ShellCommands::who, "who", "users logged in to any Portico server"),
    MAIL(shell(), ShellMailCommands::mail, "mail [N | save N PART FILE]", "list, read, or save an attachment"),
    RESOLVE(shell(), ShellCommands::resolve, "resolve HOST", "look up a host's IPv4 and IPv6 addresses"),
    CLEAR(shell(), ShellCommands::clear, "clear", "clear the screen"),
    HISTORY(shell(), ShellCommands::history, "history", "commands typed in this session"),
    LOGOUT(shell(), ShellCommands::logout, "logout", "end the session (also exit, Ctrl-D)"),
    EXIT(shell(), ShellCommands::logout, null, null),
    QUIT(shell(), ShellCommands::logout, null, null),
    SESSIONS(admin(), ShellAdminCommands::sessions, "sessions", "every live session of every server"),
    KICK(admin(), ShellAdminCommands::kick, "kick ID", "close a session"),
    BANS(admin(), ShellAdminCommands::bans, "bans", "addresses banned after failed logins"),
    UNBAN(admin(), ShellAdminCommands::unban, "unban ADDRESS[/BITS]", "lift a ban (of an address, or of the IPv6 prefix holding it)"),
    USERS(admin(), ShellAdminCommands::users, "users [list | add NAME PASSWORD | remove NAME | passwd NAME PASSWORD]",
            "manage users"),
    STATS(admin(), ShellAdminCommands::stats, "stats", "sessions and bytes per server"),
    QUEUE(admin(), ShellAdminCommands::queue, "queue [list | flush | delete ID | bounce ID]", "the outbound mail queue"),
    POSTMASTER(admin(), ShellMailCommands::postmaster, "postmaster [N | save N PART FILE]",
            "the postmaster's mail (RFC 5321 4.5.1), like mail");

    private final Row<TelnetSession, Phase, ShellReply> row;
    /** Usage and help text; null for aliases, which help leaves out. */
    final String usage, summary;

    ShellVerb(Set<Phase> phases, CommandTable.Handler<TelnetSession, ShellReply> handler, String usage, String summary,
              Gate... gates) {
        this.row = Row.of(phases, handler, gates);
        this.usage = usage;
        this.summary = summary;
    }

    /** Every logged-in user. */
    private static Set<Phase> shell() {
        return EnumSet.of(Phase.SHELL, Phase.ADMIN);
    }

    /** Users with the admin permission only. */
    private static Set<Phase> admin() {
        return EnumSet.of(Phase.ADMIN);
    }

    @Override
    public Row<TelnetSession, Phase, ShellReply> row() {
        return row;
    }

    /** The command as users type it. */
    String command() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What the table answers when it refuses a line itself; each names the command in lower case. */
    private static final CommandTable.Refusals<TelnetSession, Phase, ShellReply> REFUSALS = new CommandTable.Refusals<>() {
        @Override
        public ShellReply unknown(TelnetSession s, String verb) {
            return line(verb, TelnetReplies.NOT_FOUND_HINT);
        }

        @Override
        public ShellReply wrongPhase(TelnetSession s, CommandLine line, Phase phase) {
            return line(line.verb(), TelnetReplies.ADMIN_ONLY);
        }

        @Override
        public ShellReply localError(TelnetSession s, String verb) {
            return line(verb, TelnetReplies.INTERNAL_ERROR);
        }

        private ShellReply line(String verb, String text) {
            return ShellReply.of(verb.toLowerCase(Locale.ROOT) + ": " + text);
        }
    };

    static final CommandTable<TelnetSession, Phase, ShellReply> TABLE =
            CommandTable.of(ShellVerb.class, ShellReply.class, REFUSALS);
}
