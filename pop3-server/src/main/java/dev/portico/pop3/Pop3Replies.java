package dev.portico.pop3;

import java.util.List;

/**
 * Responses the server gives in more than one place, shared with the tests. Response codes in
 * brackets are RFC 2449 §8 / RFC 3206: {@code [AUTH]} the credentials, {@code [IN-USE]} the
 * mailbox lock, {@code [SYS/TEMP]} and {@code [SYS/PERM]} problems on our side.
 */
final class Pop3Replies {

    /** Sent to connections over the session limits, and to banned addresses. */
    static final String REFUSAL_LINE = "-ERR [SYS/TEMP] too many connections";
    /** Sent to sessions still open when the server stops. */
    static final String SHUTDOWN_LINE = "-ERR [SYS/TEMP] server shutting down";

    /** No {@code <timestamp>} in the greeting: that would advertise APOP (RFC 1939 §7), which we cannot do. */
    static final Pop3Reply GREETING = Pop3Reply.ok("Portico POP3 server ready");
    static final Pop3Reply BYE = Pop3Reply.ok("Portico POP3 server signing off").thenClose();
    static final Pop3Reply NOOP = Pop3Reply.ok("");

    // ---- refused by the command table or the session loop
    static final Pop3Reply UNKNOWN_COMMAND = Pop3Reply.err("unknown command");
    static final Pop3Reply LOGIN_FIRST = Pop3Reply.err("command only valid after login");
    static final Pop3Reply ALREADY_LOGGED_IN = Pop3Reply.err("command only valid before login");
    static final Pop3Reply LINE_TOO_LONG = Pop3Reply.err("command line too long");
    static final Pop3Reply TOO_MANY_UNKNOWN = Pop3Reply.err("too many bad commands, closing").thenClose();
    static final Pop3Reply LOCAL_ERROR = Pop3Reply.err("[SYS/TEMP] local error, try again");

    // ---- AUTHORIZATION
    static final Pop3Reply USER_ACCEPTED = Pop3Reply.ok("send PASS");
    static final Pop3Reply USER_NEEDS_NAME = Pop3Reply.err("USER needs a user name");
    static final Pop3Reply PASS_WITHOUT_USER = Pop3Reply.err("send USER first");
    static final Pop3Reply AUTH_FAILED = Pop3Reply.err("[AUTH] invalid user name or password");
    static final Pop3Reply TOO_MANY_LOGIN_FAILURES = Pop3Reply.err("[AUTH] too many failed logins, closing").thenClose();
    static final Pop3Reply MAILBOX_IN_USE = Pop3Reply.err("[IN-USE] mailbox locked by another POP3 session");
    static final Pop3Reply MAILBOX_UNAVAILABLE = Pop3Reply.err("[SYS/TEMP] cannot open the mailbox, try again later");
    static final Pop3Reply TLS_REQUIRED = Pop3Reply.err("[AUTH] log in after STLS: this server needs TLS first");
    static final Pop3Reply APOP_UNSUPPORTED = Pop3Reply.err(
            "APOP not available: passwords are stored hashed, use USER/PASS or AUTH PLAIN");
    static final Pop3Reply AUTH_MECHANISMS = Pop3Reply.ok("SASL mechanisms follow", List.of("PLAIN"));
    static final Pop3Reply AUTH_UNSUPPORTED = Pop3Reply.err("unsupported SASL mechanism, use PLAIN");
    static final Pop3Reply AUTH_CANCELLED = Pop3Reply.err("authentication cancelled");
    static final Pop3Reply AUTH_MALFORMED = Pop3Reply.err("malformed SASL PLAIN response");
    static final Pop3Reply STLS_GO_AHEAD = Pop3Reply.ok("begin TLS negotiation");
    static final Pop3Reply ALREADY_SECURE = Pop3Reply.err("TLS already active");

    // ---- TRANSACTION
    static final Pop3Reply BAD_MESSAGE_NUMBER = Pop3Reply.err("message number must be a positive whole number");
    static final Pop3Reply NO_SUCH_MESSAGE = Pop3Reply.err("no such message");
    static final Pop3Reply MESSAGE_DELETED = Pop3Reply.err("message already deleted");
    static final Pop3Reply TOP_SYNTAX = Pop3Reply.err("use TOP message lines");
    static final Pop3Reply MESSAGE_UNREADABLE = Pop3Reply.err("[SYS/TEMP] cannot read that message now");
    /** Removed from the Maildir by another program since the session started: retrying will not help. */
    static final Pop3Reply MESSAGE_GONE = Pop3Reply.err("[SYS/PERM] message no longer in the mailbox");
    static final Pop3Reply UPDATE_FAILED = Pop3Reply.err("[SYS/TEMP] some deleted messages not removed").thenClose();

    private Pop3Replies() {}
}
