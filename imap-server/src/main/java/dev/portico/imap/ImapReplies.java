package dev.portico.imap;

/** Replies given in more than one place, shared with the tests. Response codes are RFC 9051 7.1's and RFC 5530's. */
final class ImapReplies {

    /** Sent to connections over the session limits, and to banned addresses. */
    static final String REFUSAL_LINE = "* BYE [UNAVAILABLE] too many connections";
    /** Sent to sessions still open when the server stops. */
    static final String SHUTDOWN_LINE = "* BYE [UNAVAILABLE] server shutting down";
    static final String AUTOLOGOUT_LINE = "* BYE autologout: idle for too long";

    // ---- refused by the command table or the session loop
    static final ImapReply UNKNOWN_COMMAND = ImapReply.bad("unknown command");
    static final ImapReply LOGIN_FIRST = ImapReply.bad("log in first");
    static final ImapReply ALREADY_AUTHENTICATED = ImapReply.bad("already authenticated");
    static final ImapReply SELECT_FIRST = ImapReply.bad("select a mailbox first");
    static final ImapReply LOGGING_OUT = ImapReply.bad("logging out");
    static final ImapReply LINE_TOO_LONG = ImapReply.bad("[TOOBIG] command line too long");
    static final ImapReply NO_TAG = ImapReply.bad("a command starts with a tag");
    static final ImapReply TOO_MANY_BAD = ImapReply.bye("too many bad commands, closing");
    static final ImapReply LOCAL_ERROR = ImapReply.no("SERVERBUG", "internal error, try again");
    static final ImapReply TOO_BIG = ImapReply.no("TOOBIG", "literal too large");
    static final ImapReply TOO_BIG_BYE = ImapReply.bye("[TOOBIG] non-synchronizing literal too large, closing");
    static final ImapReply STORAGE_FAILED = ImapReply.no("SERVERBUG", "the mail store failed, try again");
    static final ImapReply OVER_QUOTA = ImapReply.no("OVERQUOTA", "no room left for your mail");

    // ---- not authenticated
    static final ImapReply LOGIN_DISABLED = ImapReply.no("PRIVACYREQUIRED", "use STARTTLS before logging in");
    static final ImapReply AUTH_FAILED = ImapReply.no("AUTHENTICATIONFAILED", "invalid user name or password");
    static final ImapReply TOO_MANY_LOGIN_FAILURES = ImapReply.bye("too many failed logins, closing");
    static final ImapReply AUTH_UNSUPPORTED = ImapReply.no("CANNOT", "unsupported SASL mechanism, use PLAIN");
    static final ImapReply AUTH_CANCELLED = ImapReply.bad("authentication cancelled");
    static final ImapReply AUTH_MALFORMED = ImapReply.bad("malformed SASL PLAIN response");
    static final ImapReply ALREADY_SECURE = ImapReply.bad("TLS already active");
    static final ImapReply MAILBOX_UNAVAILABLE = ImapReply.no("UNAVAILABLE", "cannot open your mail now, try again later");

    // ---- mailboxes
    static final ImapReply NO_SUCH_MAILBOX = ImapReply.no("NONEXISTENT", "no such mailbox");
    static final ImapReply TRY_CREATE = ImapReply.no("TRYCREATE", "no such mailbox");
    static final ImapReply ALREADY_EXISTS = ImapReply.no("ALREADYEXISTS", "mailbox already exists");
    static final ImapReply READ_ONLY = ImapReply.no("READ-ONLY", "mailbox opened with EXAMINE");
    static final ImapReply BAD_DATE = ImapReply.bad("bad date-time");

    // ---- selected
    static final ImapReply NO_SUCH_MESSAGE = ImapReply.bad("no such message");

    private ImapReplies() {}
}
