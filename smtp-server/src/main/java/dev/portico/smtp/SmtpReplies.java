package dev.portico.smtp;

import dev.portico.core.Reply;

/**
 * Every fixed reply of the SMTP server, with its RFC 3463 enhanced status code (RFC 2034:
 * every reply but the greeting and the HELO/EHLO answer carries one). Tests compare against
 * these constants, so a wording change cannot silently break a client expectation.
 */
public final class SmtpReplies {

    private SmtpReplies() {}

    public static final Reply OK = Reply.of(250, "2.0.0 Ok");
    public static final Reply SENDER_OK = Reply.of(250, "2.1.0 Sender ok");
    public static final Reply RECIPIENT_OK = Reply.of(250, "2.1.5 Recipient ok");
    public static final Reply DELIVERED = Reply.of(250, "2.0.0 Ok: message accepted");
    public static final Reply BYE = Reply.of(221, "2.0.0 Bye").thenClose();
    public static final Reply START_DATA = Reply.of(354, "End data with <CR><LF>.<CR><LF>");
    public static final Reply READY_FOR_TLS = Reply.of(220, "2.0.0 Ready to start TLS");
    public static final Reply VRFY_CANNOT = Reply.of(252, "2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
    public static final Reply AUTH_OK = Reply.of(235, "2.7.0 Authentication successful");

    public static final Reply TOO_MANY_RECIPIENTS = Reply.of(452, "4.5.3 Too many recipients");
    public static final Reply LOCAL_ERROR = Reply.of(451, "4.3.0 Local error in processing, try again later");
    /** RFC 5321 4.2.2 452 with RFC 3463 3.4's 4.3.1 "mail system full": the disk or a quota is full. */
    public static final Reply INSUFFICIENT_STORAGE = Reply.of(452, "4.3.1 Insufficient system storage, try again later");
    public static final Reply TEMP_AUTH_FAILURE = Reply.of(454, "4.7.0 Temporary authentication failure");

    public static final Reply UNKNOWN_COMMAND = Reply.of(500, "5.5.2 Syntax error, command unrecognized");
    public static final Reply LINE_TOO_LONG = Reply.of(500, "5.5.6 Line too long (RFC 5321 4.5.3.1.4: 512 octets)");
    public static final Reply BARE_LINE_ENDING = Reply.of(500, "5.5.2 Syntax error: bare CR or LF in command, use CRLF");
    public static final Reply AUTH_LINE_TOO_LONG = Reply.of(500, "5.5.6 Authentication exchange line is too long");
    public static final Reply NO_ARGUMENTS = Reply.of(501, "5.5.4 Syntax error: no arguments allowed");
    public static final Reply EHLO_SYNTAX = Reply.of(501, "5.5.4 Syntax: EHLO/HELO domain");
    public static final Reply MAIL_SYNTAX = Reply.of(501, "5.5.4 Syntax: MAIL FROM:<address> [parameters]");
    public static final Reply RCPT_SYNTAX = Reply.of(501, "5.5.4 Syntax: RCPT TO:<address> [parameters]");
    public static final Reply VRFY_SYNTAX = Reply.of(501, "5.5.4 Syntax: VRFY user");
    public static final Reply BDAT_SYNTAX = Reply.of(501, "5.5.4 Syntax: BDAT size [LAST]; cannot find the chunk end, closing").thenClose();
    public static final Reply AUTH_SYNTAX = Reply.of(501, "5.5.4 Syntax: AUTH mechanism [initial-response]");
    public static final Reply AUTH_CANCELLED = Reply.of(501, "5.0.0 Authentication cancelled");
    public static final Reply AUTH_BAD_BASE64 = Reply.of(501, "5.5.2 Cannot decode the response");
    public static final Reply BAD_SENDER_SYNTAX = Reply.of(501, "5.1.7 Bad sender address syntax");
    public static final Reply BAD_RECIPIENT_SYNTAX = Reply.of(501, "5.1.3 Bad recipient address syntax");
    public static final Reply BAD_PARAMETER = Reply.of(501, "5.5.4 Invalid parameter syntax");
    public static final Reply EXPN_DISABLED = Reply.of(502, "5.5.1 EXPN not available");
    public static final Reply SEND_HELO_FIRST = Reply.of(503, "5.5.1 Bad sequence of commands: send HELO/EHLO first");
    public static final Reply NEED_MAIL = Reply.of(503, "5.5.1 Bad sequence of commands: need MAIL first");
    public static final Reply NEED_RCPT = Reply.of(503, "5.5.1 Bad sequence of commands: need RCPT first");
    public static final Reply NESTED_MAIL = Reply.of(503, "5.5.1 Bad sequence of commands: transaction already started");
    public static final Reply DATA_AFTER_BDAT = Reply.of(503, "5.5.1 Bad sequence of commands: BDAT transfer in progress, DATA not allowed");
    public static final Reply BAD_SEQUENCE = Reply.of(503, "5.5.1 Bad sequence of commands");
    public static final Reply ALREADY_TLS = Reply.of(503, "5.5.1 TLS already active");
    public static final Reply ALREADY_AUTHENTICATED = Reply.of(503, "5.5.1 Already authenticated");
    public static final Reply NOT_IN_TRANSACTION = Reply.of(503, "5.5.1 Not allowed during a mail transaction");
    public static final Reply NO_VALID_RECIPIENTS = Reply.of(554, "5.5.1 No valid recipients");
    public static final Reply UNSUPPORTED_MECHANISM = Reply.of(504, "5.5.4 Unrecognized authentication mechanism");
    public static final Reply UNSUPPORTED_BODY = Reply.of(504, "5.5.4 Unsupported BODY type (7BIT and 8BITMIME only)");
    public static final Reply AUTH_REQUIRED = Reply.of(530, "5.7.0 Authentication required");
    public static final Reply TLS_REQUIRED = Reply.of(530, "5.7.0 Must issue a STARTTLS command first");
    public static final Reply AUTH_FAILED = Reply.of(535, "5.7.8 Authentication credentials invalid");
    public static final Reply ENCRYPTION_REQUIRED = Reply.of(538, "5.7.11 Encryption required for requested authentication mechanism");
    public static final Reply UNKNOWN_USER = Reply.of(550, "5.1.1 No such user here");
    /** RFC 5321 3.6.2 and issue 11: 554 5.7.1 for a recipient in another domain from a session that may not relay. */
    public static final Reply RELAY_DENIED = Reply.of(554, "5.7.1 Relaying denied: this server only accepts mail for its own domains");
    /** Source routes, the %-hack, bang paths and quoted local parts holding @: refused whoever asks (RelayPolicy.isRoutingTrick). */
    public static final Reply ROUTING_DENIED = Reply.of(554, "5.7.1 Relaying denied: routing in the address (source route, %, ! or @ in the local part) is not accepted");
    /** RFC 6409 5.1 with RFC 3463's 5.7.1: an authenticated user's envelope sender must be theirs. */
    public static final Reply SENDER_NOT_OWNED = Reply.of(553, "5.7.1 Sender address not owned by the authenticated user");
    /** RFC 5321 6.3 loop detection, RFC 3463 5.4.6 "routing loop detected". */
    public static final Reply LOOP_DETECTED = Reply.of(554, "5.4.6 Message refused: too many Received headers, a mail loop");
    public static final Reply BARE_LINE_ENDING_IN_DATA = Reply.of(550,
            "5.6.0 Message refused: bare CR or LF in message text, lines must end with CRLF (RFC 5321 2.3.8)");
    public static final Reply MISSING_HEADERS = Reply.of(550, "5.6.0 Message refused: Date and From headers are required (RFC 5322 3.6)");
    public static final Reply MESSAGE_TOO_BIG = Reply.of(552, "5.3.4 Message size exceeds fixed maximum message size");
    public static final Reply TEXT_LINE_TOO_LONG = Reply.of(552, "5.3.4 Message refused: a text line is too long (RFC 5321 4.5.3.1.6: 1000 octets with CRLF)");
    public static final Reply UTF8_NEEDS_SMTPUTF8 = Reply.of(553, "5.6.7 Non-ASCII address requires the SMTPUTF8 parameter (RFC 6531)");
    public static final Reply UNSUPPORTED_PARAMETER = Reply.of(555, "5.5.4 Unsupported MAIL/RCPT parameter");
    public static final Reply PARAMETERS_NEED_EHLO = Reply.of(555, "5.5.4 Parameters need EHLO, not HELO");

    /** RFC 5321 4.2: the greeting starts with the server's domain; no enhanced code (RFC 2034 3). */
    public static Reply greeting(String domain) {
        return Reply.of(220, domain + " ESMTP Portico");
    }

    public static String shutdownLine(String domain) {
        return "421 4.3.2 " + domain + " Service shutting down, closing connection";
    }

    public static String refusalLine(String domain) {
        return "421 4.7.0 " + domain + " Too many connections, try again later";
    }

    public static Reply idleTimeout(String domain) {
        return Reply.of(421, "4.4.2 " + domain + " Idle timeout, closing connection").thenClose();
    }

    public static Reply tooManyUnknown(String domain) {
        return Reply.of(421, "4.7.0 " + domain + " Too many unrecognized commands, closing connection").thenClose();
    }

    public static Reply tooManyAuthFailures(String domain) {
        return Reply.of(421, "4.7.0 " + domain + " Too many failed authentication attempts, closing connection").thenClose();
    }

    public static Reply chunkReceived(long octets) {
        return Reply.of(250, "2.0.0 " + octets + " octets received");
    }
}
