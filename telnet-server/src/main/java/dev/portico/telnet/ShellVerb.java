package dev.portico.telnet;

import dev.portico.core.CommandTable;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every shell command: where it may run, its handler and its line of help. The constant name is
 * the command in upper case; {@link dev.portico.core.CommandTable} answers unknown commands and
 * console commands used by non-admins, in one place.
 */
enum ShellVerb {
    HELP(false, ShellCommands::help, "help", "list the commands"),
    PWD(false, ShellFileCommands::pwd, "pwd", "print the current directory"),
    CD(false, ShellFileCommands::cd, "cd [DIR]", "change directory (no DIR: your home)"),
    LS(false, ShellFileCommands::ls, "ls [-l] [PATH]", "list a directory"),
    CAT(false, ShellFileCommands::cat, "cat FILE...", "print files"),
    HEAD(false, ShellFileCommands::head, "head [-n N] FILE", "print the first lines of a file"),
    TAIL(false, ShellFileCommands::tail, "tail [-n N] FILE", "print the last lines of a file"),
    MKDIR(false, ShellFileCommands::mkdir, "mkdir DIR...", "create directories"),
    RM(false, ShellFileCommands::rm, "rm PATH...", "delete files or empty directories"),
    MV(false, ShellFileCommands::mv, "mv FROM TO", "rename or move"),
    CP(false, ShellFileCommands::cp, "cp FROM TO", "copy a file"),
    STAT(false, ShellFileCommands::stat, "stat PATH", "show size and times"),
    DU(false, ShellFileCommands::du, "du [PATH]", "disk usage of a directory tree"),
    ECHO(false, ShellCommands::echo, "echo [WORD...]", "print words ('quotes' and \\escapes work)"),
    SLEEP(false, ShellCommands::sleep, "sleep SECONDS", "wait (Ctrl-C interrupts)"),
    DATE(false, ShellCommands::date, "date", "current date and time (UTC)"),
    UPTIME(false, ShellCommands::uptime, "uptime", "how long Portico has run"),
    WHOAMI(false, ShellCommands::whoami, "whoami", "your user name"),
    WHO(false, ShellCommands::who, "who", "users logged in to any Portico server"),
    MAIL(false, ShellMailCommands::mail, "mail [N | save N PART FILE]", "list, read, or save an attachment"),
    RESOLVE(false, ShellCommands::resolve, "resolve HOST", "look up a host's IPv4 and IPv6 addresses"),
    CLEAR(false, ShellCommands::clear, "clear", "clear the screen"),
    HISTORY(false, ShellCommands::history, "history", "commands typed in this session"),
    LOGOUT(false, ShellCommands::logout, "logout", "end the session (also exit, Ctrl-D)"),
    EXIT(false, ShellCommands::logout, null, null),
    QUIT(false, ShellCommands::logout, null, null),
    SESSIONS(true, ShellAdminCommands::sessions, "sessions", "every live session of every server"),
    KICK(true, ShellAdminCommands::kick, "kick ID", "close a session"),
    BANS(true, ShellAdminCommands::bans, "bans", "addresses banned after failed logins"),
    UNBAN(true, ShellAdminCommands::unban, "unban ADDRESS", "lift a ban"),
    USERS(true, ShellAdminCommands::users, "users [list | add NAME PASSWORD | remove NAME | passwd NAME PASSWORD]",
            "manage users"),
    STATS(true, ShellAdminCommands::stats, "stats", "sessions and bytes per server");

    final Set<TelnetSession.Phase> phases;
    final CommandTable.Handler<TelnetSession, ShellReply> handler;
    final boolean admin;
    /** Usage and help text; null for aliases, which help leaves out. */
    final String usage, summary;

    ShellVerb(boolean admin, CommandTable.Handler<TelnetSession, ShellReply> handler, String usage, String summary) {
        this.admin = admin;
        this.phases = admin ? EnumSet.of(TelnetSession.Phase.ADMIN)
                : EnumSet.of(TelnetSession.Phase.SHELL, TelnetSession.Phase.ADMIN);
        this.handler = handler;
        this.usage = usage;
        this.summary = summary;
    }

    String command() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
