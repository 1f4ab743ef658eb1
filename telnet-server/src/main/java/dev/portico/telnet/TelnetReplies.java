package dev.portico.telnet;

/** Fixed lines of the Telnet shell, shared with the tests. */
public final class TelnetReplies {

    public static final String TOO_MANY = "Too many connections";
    public static final String SHUTDOWN = "Portico is shutting down.";
    public static final String LOGIN_PROMPT = "login: ";
    public static final String PASSWORD_PROMPT = "Password: ";
    public static final String LOGIN_INCORRECT = "Login incorrect";
    public static final String TOO_MANY_FAILURES = "Too many failed logins, goodbye.";
    public static final String IDLE_GOODBYE = "Idle timeout, goodbye.";
    public static final String GOODBYE = "Goodbye.";
    /** Answer to AYT (RFC 854 "Are You There"): visible, so the person knows the server lives. */
    public static final String AYT = "[Portico: yes, I am here]";
    /** The shell prompt ends with this; the part before names the user and directory. */
    public static final String PROMPT_END = "$ ";
    public static final String OUTSIDE_HOME = "outside your home directory";
    public static final String NOT_FOUND_HINT = "command not found (type 'help' for the list)";
    public static final String ADMIN_ONLY = "only administrators may use this command";
    /** After the command's name when its handler failed unexpectedly; the stack trace is in the log. */
    public static final String INTERNAL_ERROR = "internal error, see the server log";
    public static final String INTERRUPTED = "^C";

    private TelnetReplies() {}

    static String welcome(String user) {
        return "Welcome to Portico, " + user + ". Type 'help' for the list of commands.";
    }

    static String prompt(String user, String directory) {
        return user + ":" + directory + PROMPT_END;
    }
}
