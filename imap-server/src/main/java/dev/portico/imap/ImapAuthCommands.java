package dev.portico.imap;

import dev.portico.core.LineTooLongException;
import dev.portico.core.auth.SaslPlain;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The commands of any state and of the not-authenticated state, and ENABLE (RFC 9051 6.1, 6.2; RFC 5161). */
final class ImapAuthCommands {

    private ImapAuthCommands() {}

    /**
     * What the session offers now: before login the ways in (STARTTLS, AUTH=PLAIN, or
     * LOGINDISABLED where a plain login is not allowed), after it the extensions. LITERAL+ rather
     * than LITERAL-: RFC 7888 4 says a server announces one, and LITERAL+ is the superset.
     */
    static String capabilities(ImapSession s) {
        StringBuilder b = new StringBuilder("IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE IDLE");
        if (s.phase == ImapSession.Phase.NOT_AUTHENTICATED) {
            if (!s.connection.isSecure()) b.append(" STARTTLS");
            b.append(s.plainLoginAllowed() ? " AUTH=PLAIN" : " LOGINDISABLED");
        } else {
            b.append(" NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES")
                    .append(" CONDSTORE QRESYNC STATUS=SIZE APPENDLIMIT=").append(s.config.appendLimit());
        }
        return b.toString();
    }

    static ImapReply capability(ImapSession s, String argument) throws IOException {
        s.in.end();
        s.untagged("CAPABILITY " + capabilities(s));
        return ImapReply.ok("CAPABILITY completed");
    }

    /** The session loop sends what changed in the selected folder before this reply (RFC 9051 6.1.2). */
    static ImapReply noop(ImapSession s, String argument) {
        s.in.end();
        return ImapReply.ok("NOOP completed");
    }

    static ImapReply logout(ImapSession s, String argument) throws IOException {
        s.in.end();
        s.untagged("BYE Portico IMAP server logging out");
        s.phase = ImapSession.Phase.LOGOUT;
        return ImapReply.ok("LOGOUT completed").thenClose();
    }

    /** RFC 2971: the client's fields are read and dropped; ours name the server. */
    static ImapReply id(ImapSession s, String argument) throws IOException {
        s.in.sp();
        if (!s.in.takeWord("NIL")) {
            s.in.expect('(');
            for (int i = 0; !s.in.take(')'); i++) {
                if (i > 0) s.in.sp();
                if (!s.in.takeWord("NIL")) s.in.string();
                if (i >= 60) throw s.in.syntax("too many ID fields");
            }
        }
        s.in.end();
        s.untagged("ID (\"name\" \"Portico\" \"vendor\" \"Portico\")");
        return ImapReply.ok("ID completed");
    }

    /**
     * RFC 9051 6.2.1: answer, then negotiate TLS on the same connection. Whatever the client
     * pipelined after the command is thrown away by the core, never run as if it came over TLS.
     */
    static ImapReply starttls(ImapSession s, String argument) throws IOException {
        s.in.end();
        if (s.connection.isSecure()) return ImapReplies.ALREADY_SECURE;
        s.connection.sendLine(ImapReply.ok("Begin TLS negotiation now").line(s.tag));
        s.connection.startTls(s.shared.tls());
        return null;
    }

    static ImapReply login(ImapSession s, String argument) throws IOException {
        s.in.sp();
        String name = s.in.astring();
        s.in.sp();
        String password = s.in.astring();
        s.in.end();
        return s.login(name, password.toCharArray());
    }

    /**
     * RFC 9051 6.2.2 with RFC 4959's initial response ({@code =} for an empty one); PLAIN only
     * (RFC 4616). {@code *} cancels.
     */
    static ImapReply authenticate(ImapSession s, String argument) throws IOException {
        s.in.sp();
        String mechanism = s.in.atom().toUpperCase(Locale.ROOT);
        String response = null;
        if (s.in.take(' ')) {
            response = s.in.atom();
            if (response.equals("=")) response = "";
        }
        s.in.end();
        if (!mechanism.equals("PLAIN")) return ImapReplies.AUTH_UNSUPPORTED;
        if (response == null) {
            s.connection.sendLine("+ ");
            try {
                response = s.connection.readLine();
            } catch (LineTooLongException e) {
                return ImapReplies.AUTH_MALFORMED;
            }
            if (response == null) throw new EOFException("connection closed during AUTHENTICATE");
        }
        if (response.strip().equals("*")) return ImapReplies.AUTH_CANCELLED;
        SaslPlain plain;
        try {
            plain = SaslPlain.decode(response.strip());
        } catch (IllegalArgumentException e) {
            return ImapReplies.AUTH_MALFORMED;
        }
        String authz = plain.authorizationId();
        if (!authz.isEmpty() && !authz.equalsIgnoreCase(plain.user())) {
            Arrays.fill(plain.password(), '\0');
            return ImapReplies.AUTH_FAILED;
        }
        return s.login(plain.user(), plain.password());
    }

    /** RFC 5161: CONDSTORE, QRESYNC (which implies CONDSTORE, RFC 7162 3.2.3) and IMAP4rev2; others are ignored. */
    static ImapReply enable(ImapSession s, String argument) throws IOException {
        Set<String> enabled = new LinkedHashSet<>();
        List<String> asked = new ArrayList<>();
        do {
            s.in.sp();
            asked.add(s.in.atom().toUpperCase(Locale.ROOT));
        } while (s.in.peek() == ' ');
        s.in.end();
        for (String cap : asked) {
            switch (cap) {
                case "CONDSTORE" -> {
                    if (!s.condstore) enabled.add(cap);
                    s.condstore = true;
                }
                case "QRESYNC" -> {
                    if (!s.qresync) enabled.add(cap);
                    s.qresync = true;
                    s.condstore = true;
                }
                case "IMAP4REV2" -> {
                    if (!s.rev2) enabled.add("IMAP4rev2");
                    s.rev2 = true;
                }
                default -> { }
            }
        }
        s.untagged(enabled.isEmpty() ? "ENABLED" : "ENABLED " + String.join(" ", enabled));
        return ImapReply.ok("ENABLE completed");
    }
}
