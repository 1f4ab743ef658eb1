package dev.portico.pop3;

import dev.portico.core.LineTooLongException;
import dev.portico.core.auth.SaslPlain;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** CAPA and the AUTHORIZATION-state verbs: USER, PASS, APOP, AUTH, STLS. */
final class Pop3AuthCommands {

    private Pop3AuthCommands() {}

    /**
     * RFC 2449 §5. The same list in both states (§5: what AUTHORIZATION offers must be announced
     * in TRANSACTION too). USER and SASL are left out while they would be refused for want of TLS.
     */
    static Pop3Reply capa(Pop3Session s, String argument) {
        List<String> caps = new ArrayList<>(List.of("TOP", "UIDL"));
        if (s.plainLoginAllowed()) {
            caps.add("USER");
            caps.add("SASL PLAIN");
        }
        caps.addAll(List.of("RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"));
        if (!s.connection.isSecure()) caps.add("STLS");
        caps.add("IMPLEMENTATION Portico");
        return Pop3Reply.ok("capability list follows", caps);
    }

    /** RFC 1939 §7. Accepted for any name, so the answer does not tell which accounts exist. */
    static Pop3Reply user(Pop3Session s, String argument) {
        String name = argument.strip();
        if (name.isEmpty()) return Pop3Replies.USER_NEEDS_NAME;
        s.pendingUser = name;
        return Pop3Replies.USER_ACCEPTED;
    }

    /** RFC 1939 §7: the whole argument is the password, spaces included. */
    static Pop3Reply pass(Pop3Session s, String argument) throws IOException {
        String name = s.pendingUser;
        s.pendingUser = null;
        if (name == null) return Pop3Replies.PASS_WITHOUT_USER;
        return s.login(name, argument.toCharArray());
    }

    /**
     * RFC 1939 §7. APOP needs each password in clear text on the server to compute the digest;
     * Portico stores only salted hashes, so it is always refused (and the greeting carries no
     * timestamp, so well-behaved clients never try).
     */
    static Pop3Reply apop(Pop3Session s, String argument) {
        return Pop3Replies.APOP_UNSUPPORTED;
    }

    /**
     * RFC 5034: {@code AUTH PLAIN} with an initial response, or with the {@code + } continuation;
     * {@code *} cancels. A bare {@code AUTH} lists the mechanisms (the older RFC 1734 form, which
     * some clients still send). The table's TLS gate has passed for both.
     */
    static Pop3Reply auth(Pop3Session s, String argument) throws IOException {
        String arg = argument.strip();
        if (arg.isEmpty()) return Pop3Replies.AUTH_MECHANISMS;
        int sp = arg.indexOf(' ');
        String mechanism = (sp < 0 ? arg : arg.substring(0, sp)).toUpperCase(Locale.ROOT);
        if (!mechanism.equals("PLAIN")) return Pop3Replies.AUTH_UNSUPPORTED;
        String response;
        if (sp < 0) {
            s.connection.sendLine("+ ");
            try {
                response = s.connection.readLine();
            } catch (LineTooLongException e) {
                return Pop3Replies.AUTH_MALFORMED;
            }
            if (response == null) throw new EOFException("connection closed during AUTH");
        } else {
            response = arg.substring(sp + 1).strip();
            if (response.equals("=")) response = "";   // RFC 5034 §4: "=" is an empty initial response
        }
        if (response.strip().equals("*")) return Pop3Replies.AUTH_CANCELLED;
        SaslPlain plain;
        try {
            plain = SaslPlain.decode(response);
        } catch (IllegalArgumentException e) {
            return Pop3Replies.AUTH_MALFORMED;
        }
        String authz = plain.authorizationId();
        if (!authz.isEmpty() && !authz.equalsIgnoreCase(plain.user())) {
            // Acting as another user (RFC 4616 §2) is not something POP3 users may do here.
            Arrays.fill(plain.password(), '\0');
            return Pop3Replies.AUTH_FAILED;
        }
        return s.login(plain.user(), plain.password());
    }

    /**
     * RFC 2595 §4: answer, then negotiate TLS on the same connection. Whatever the client sent
     * after STLS before the handshake is thrown away by the core, never run as if it had come
     * over TLS; a name given by USER is forgotten.
     */
    static Pop3Reply stls(Pop3Session s, String argument) throws IOException {
        if (s.connection.isSecure()) return Pop3Replies.ALREADY_SECURE;
        s.send(Pop3Replies.STLS_GO_AHEAD);
        s.connection.startTls(s.shared.tls());
        s.pendingUser = null;
        return null;
    }
}
