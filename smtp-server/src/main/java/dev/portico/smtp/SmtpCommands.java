package dev.portico.smtp;

import dev.portico.core.Reply;
import dev.portico.core.mail.MailDomains;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Session-level verbs: greeting, TLS, reset and the informational commands (RFC 5321 4.1.1). */
final class SmtpCommands {

    private SmtpCommands() {}

    /** RFC 5321 4.1.1.1; the extensions we offer follow the greeting line. */
    static Reply ehlo(SmtpSession s, String arg) {
        String domain = clientName(arg);
        if (domain == null) return SmtpReplies.EHLO_SYNTAX;
        greet(s, domain, true);
        SmtpConfig c = s.env.config();
        List<String> lines = new ArrayList<>();
        lines.add(s.env.hostname() + " Hello " + domain + " [" + s.connection.remote().getAddress().getHostAddress() + "]");
        lines.add("PIPELINING");
        lines.add("SIZE " + c.maxMessageSize());
        lines.add("8BITMIME");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        lines.add("DSN");
        if (!s.connection.isSecure()) lines.add("STARTTLS");
        // SubEthaSMTP #1: never offer AUTH where it would be refused for want of TLS.
        if (s.connection.isSecure() || (c.authPlaintext() && !c.tlsRequired())) lines.add("AUTH PLAIN LOGIN");
        lines.add("HELP");
        return Reply.of(250, lines);
    }

    static Reply helo(SmtpSession s, String arg) {
        String domain = clientName(arg);
        if (domain == null) return SmtpReplies.EHLO_SYNTAX;
        greet(s, domain, false);
        return Reply.of(250, s.env.hostname() + " Hello " + domain);
    }

    /** EHLO/HELO also end any transaction in progress (RFC 5321 4.1.4). */
    private static void greet(SmtpSession s, String domain, boolean esmtp) {
        s.heloName = domain;
        s.esmtp = esmtp;
        s.resetTransaction();
    }

    /** The domain or address literal a client names, kept printable ASCII for logs and trace headers; null when missing. */
    private static String clientName(String arg) {
        String name = arg.strip();
        int sp = name.indexOf(' ');
        if (sp >= 0) name = name.substring(0, sp);
        if (name.isEmpty()) return null;
        StringBuilder b = new StringBuilder(Math.min(name.length(), 255));
        name.codePoints().limit(255).forEach(c -> b.appendCodePoint(c < 33 || c > 126 || c == '(' || c == ')' ? '?' : c));
        return b.toString();
    }

    /**
     * RFC 3207: go-ahead, handshake, then forget everything. Bytes pipelined after the command are
     * dropped by the core, which logs them and the negotiated protocol.
     */
    static Reply starttls(SmtpSession s, String arg) throws IOException {
        if (!arg.isEmpty()) return SmtpReplies.NO_ARGUMENTS;
        if (s.connection.isSecure()) return SmtpReplies.ALREADY_TLS;
        s.connection.send(SmtpReplies.READY_FOR_TLS);
        s.connection.startTls(s.env.shared().tls());
        s.forgetAll();
        return null;
    }

    static Reply rset(SmtpSession s, String arg) {
        if (!arg.isEmpty()) return SmtpReplies.NO_ARGUMENTS;
        s.resetTransaction();
        return SmtpReplies.OK;
    }

    /** RFC 5321 4.1.1.9: an argument is allowed and ignored. */
    static Reply noop(SmtpSession s, String arg) {
        return SmtpReplies.OK;
    }

    static Reply quit(SmtpSession s, String arg) {
        return SmtpReplies.BYE;
    }

    /** RFC 5321 3.5.3: 252 unless {@code smtp.vrfy=true}, which tells whether a local user exists. */
    static Reply vrfy(SmtpSession s, String arg) {
        String who = arg.strip();
        if (who.isEmpty()) return SmtpReplies.VRFY_SYNTAX;
        if (!s.env.config().vrfy()) return SmtpReplies.VRFY_CANNOT;
        if (who.startsWith("<") && who.endsWith(">")) who = who.substring(1, who.length() - 1);
        MailDomains domains = s.env.shared().domains();
        if (who.indexOf('@') < 0) who = who + "@" + domains.primary();
        return domains.localPart(who).flatMap(s.env.shared().users()::find)
                .map(u -> Reply.of(250, "2.1.5 <" + u.name() + "@" + domains.primary() + ">"))
                .orElse(SmtpReplies.UNKNOWN_USER);
    }

    static Reply expn(SmtpSession s, String arg) {
        return SmtpReplies.EXPN_DISABLED;
    }

    static Reply help(SmtpSession s, String arg) {
        return Reply.of(214, List.of(
                "2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH",
                "2.0.0 See RFC 5321; mail is accepted for " + String.join(", ", s.env.shared().domains().names())));
    }
}
