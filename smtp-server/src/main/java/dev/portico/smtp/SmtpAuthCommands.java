package dev.portico.smtp;

import dev.portico.core.BareLineEndingException;
import dev.portico.core.LineTooLongException;
import dev.portico.core.Refusal;
import dev.portico.core.Reply;
import dev.portico.core.auth.SaslPlain;
import dev.portico.core.auth.User;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms, checked by the shared
 * {@code LoginGuard}, which slows down and bans repeated failures. Offered only over TLS unless
 * {@code smtp.auth.plaintext=true}. Credentials are never logged.
 */
final class SmtpAuthCommands {

    private SmtpAuthCommands() {}

    private record Credentials(String user, char[] password) {}

    static Reply auth(SmtpSession s, String arg) throws IOException {
        if (s.authUser != null) return SmtpReplies.ALREADY_AUTHENTICATED;
        if (!s.connection.isSecure() && !s.env.config().authPlaintext()) return SmtpReplies.ENCRYPTION_REQUIRED;
        String[] words = arg.strip().split(" +");
        if (words[0].isEmpty() || words.length > 2) return SmtpReplies.AUTH_SYNTAX;
        String initial = words.length == 2 ? words[1] : null;
        // The exchange below refuses with a Refusal when the client cancels or sends no valid response.
        Credentials credentials = switch (words[0].toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> plain(s, initial);
            case "LOGIN" -> login(s, initial);
            default -> null;
        };
        if (credentials == null) return SmtpReplies.UNSUPPORTED_MECHANISM;
        try {
            Optional<User> user = credentials.user() == null ? Optional.empty()
                    : s.env.shared().logins().login(s.connection.protocol(), s.connection.remote().getAddress(),
                    credentials.user(), credentials.password());
            if (user.isPresent()) {
                s.authUser = user.get().name();
                s.connection.user(s.authUser);
                return SmtpReplies.AUTH_OK;
            }
        } finally {
            Arrays.fill(credentials.password(), '\0');
        }
        if (++s.authFailures >= s.env.config().maxAuthFailures()) return SmtpReplies.tooManyAuthFailures(s.env.hostname());
        return SmtpReplies.AUTH_FAILED;
    }

    private static Credentials plain(SmtpSession s, String initial) throws IOException {
        // RFC 4954 4: "=" is an empty initial response; without one the server sends an empty challenge.
        String response = initial != null ? initial : challenge(s, "");
        if (response.equals("=")) response = "";
        try {
            SaslPlain p = SaslPlain.decode(response);
            // An authorization identity other than the user itself would be acting for someone else: not offered.
            boolean ok = p.authorizationId().isEmpty() || p.authorizationId().equals(p.user());
            return new Credentials(ok ? p.user() : null, p.password());
        } catch (IllegalArgumentException e) {
            throw new Refusal(SmtpReplies.AUTH_BAD_BASE64);
        }
    }

    private static Credentials login(SmtpSession s, String initial) throws IOException {
        String user = decode(initial != null ? initial : challenge(s, "VXNlcm5hbWU6"));        // "Username:"
        String password = decode(challenge(s, "UGFzc3dvcmQ6"));                                // "Password:"
        return new Credentials(user.isEmpty() ? null : user, password.toCharArray());
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refusal(SmtpReplies.AUTH_BAD_BASE64);
        }
    }

    /** Sends a 334 challenge and reads the client's response line; "*" cancels (RFC 4954 4). */
    private static String challenge(SmtpSession s, String text) throws IOException {
        s.connection.send(Reply.of(334, text));
        String line;
        try {
            line = s.connection.readLine();
        } catch (LineTooLongException e) {
            throw new Refusal(SmtpReplies.AUTH_LINE_TOO_LONG);
        } catch (BareLineEndingException e) {
            throw new Refusal(SmtpReplies.BARE_LINE_ENDING);
        }
        if (line == null) throw new EOFException("connection closed during AUTH");
        if (line.strip().equals("*")) throw new Refusal(SmtpReplies.AUTH_CANCELLED);
        return line;
    }
}
