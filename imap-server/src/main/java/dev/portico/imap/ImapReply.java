package dev.portico.imap;

import java.util.Objects;

/**
 * The status response that completes an IMAP command (RFC 9051 7.1): {@code tag OK|NO|BAD
 * [CODE] text}. The tag is the session's, added when the reply is written, so the command table
 * and the constants in {@link ImapReplies} need none. A {@code BYE} reply is untagged and ends the
 * session (too many bad commands, a literal that cannot be skipped).
 *
 * @param status {@code OK}, {@code NO}, {@code BAD} or {@code BYE}
 * @param code   a response code without brackets ({@code TRYCREATE}, {@code APPENDUID 3 7}), or null
 * @param close  whether the session ends once this is sent
 */
record ImapReply(String status, String code, String text, boolean close) {

    ImapReply {
        Objects.requireNonNull(status);
        Objects.requireNonNull(text);
    }

    static ImapReply ok(String text) { return new ImapReply("OK", null, text, false); }
    static ImapReply ok(String code, String text) { return new ImapReply("OK", code, text, false); }
    static ImapReply no(String text) { return new ImapReply("NO", null, text, false); }
    static ImapReply no(String code, String text) { return new ImapReply("NO", code, text, false); }
    static ImapReply bad(String text) { return new ImapReply("BAD", null, text, false); }
    static ImapReply bad(String code, String text) { return new ImapReply("BAD", code, text, false); }
    static ImapReply bye(String text) { return new ImapReply("BYE", null, text, true); }

    ImapReply thenClose() {
        return new ImapReply(status, code, text, true);
    }

    boolean isOk() {
        return status.equals("OK");
    }

    /** The line as sent for {@code tag}, without CR LF; BYE is always untagged. */
    String line(String tag) {
        StringBuilder b = new StringBuilder(64);
        b.append(status.equals("BYE") ? "*" : tag).append(' ').append(status).append(' ');
        if (code != null) b.append('[').append(code).append("] ");
        return b.append(text).toString();
    }

    /** The line without its tag: what tests compare against. */
    String line() {
        return line("").substring(status.equals("BYE") ? 2 : 1);
    }

    @Override
    public String toString() {
        return line();
    }
}
