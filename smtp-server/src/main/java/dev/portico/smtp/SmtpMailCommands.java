package dev.portico.smtp;

import dev.portico.core.LogSafe;
import dev.portico.core.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.portico.smtp.relay.RelayPolicy;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The envelope: MAIL (RFC 5321 4.1.1.2 with SIZE, BODY, SMTPUTF8, AUTH, and the RET and ENVID of
 * DSN, RFC 3461) and RCPT (4.1.1.3 with DSN's NOTIFY and ORCPT). RCPT applies the relay rules of
 * {@link dev.portico.smtp.relay.RelayPolicy} before the delivery handler sees an address; MAIL
 * holds an authenticated user to their own sender addresses (RFC 6409 5.1).
 */
final class SmtpMailCommands {

    private static final Logger log = LoggerFactory.getLogger(SmtpMailCommands.class);

    private SmtpMailCommands() {}

    static Reply mail(SmtpSession s, String arg) {
        SmtpPath path;
        try {
            path = SmtpPath.parse(arg, "FROM:");
        } catch (SmtpPath.SyntaxException e) {
            return switch (e.problem) {
                case PREFIX -> SmtpReplies.MAIL_SYNTAX;
                case ADDRESS -> SmtpReplies.BAD_SENDER_SYNTAX;
                case PARAMETER -> SmtpReplies.BAD_PARAMETER;
            };
        }
        if (!path.isNull() && path.address().indexOf('@') < 0) return SmtpReplies.BAD_SENDER_SYNTAX;
        if (!path.parameters().isEmpty() && !s.esmtp) return SmtpReplies.PARAMETERS_NEED_EHLO;
        long size = -1;
        String body = "7BIT";
        boolean utf8 = false;
        Dsn.Ret ret = null;
        String envelopeId = null;
        for (Map.Entry<String, String> p : path.parameters().entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case "SIZE" -> {             // RFC 1870 6
                    if (value == null || !value.matches("[0-9]{1,18}")) return SmtpReplies.BAD_PARAMETER;
                    size = Long.parseLong(value);
                    if (size > s.env.config().maxMessageSize()) return SmtpReplies.MESSAGE_TOO_BIG;
                }
                case "BODY" -> {             // RFC 6152; BINARYMIME (RFC 3030) is not offered
                    if (value == null) return SmtpReplies.BAD_PARAMETER;
                    body = value.toUpperCase(Locale.ROOT);
                    if (!body.equals("7BIT") && !body.equals("8BITMIME")) return SmtpReplies.UNSUPPORTED_BODY;
                }
                case "SMTPUTF8" -> {         // RFC 6531 3.4
                    if (value != null) return SmtpReplies.BAD_PARAMETER;
                    utf8 = true;
                }
                case "AUTH" -> {
                    // RFC 4954 5: the AUTH= identity of a relayed message; trust in it is not offered, so it is ignored.
                }
                case "RET" -> {              // RFC 3461 4.3
                    try {
                        ret = Dsn.parseRet(value);
                    } catch (IllegalArgumentException e) {
                        return SmtpReplies.BAD_PARAMETER;
                    }
                }
                case "ENVID" -> {            // RFC 3461 4.4
                    try {
                        envelopeId = Dsn.parseEnvid(value);
                    } catch (IllegalArgumentException e) {
                        return SmtpReplies.BAD_PARAMETER;
                    }
                }
                default -> {
                    return SmtpReplies.UNSUPPORTED_PARAMETER;
                }
            }
        }
        if (path.nonAscii() && !utf8) return SmtpReplies.UTF8_NEEDS_SMTPUTF8;
        if (s.authUser != null && !s.env.relay().mayUseSender(s.authUser, path.address())) {
            log.info("{} user {} may not send as <{}>", s, s.authUser, LogSafe.text(path.address()));
            return SmtpReplies.SENDER_NOT_OWNED;
        }
        s.sender = path.address();
        s.transactionStart = System.nanoTime();
        s.declaredSize = size;
        s.body = body;
        s.smtpUtf8 = utf8;
        s.ret = ret;
        s.envelopeId = envelopeId;
        s.phase = SmtpSession.Phase.MAIL;
        return SmtpReplies.SENDER_OK;
    }

    static Reply rcpt(SmtpSession s, String arg) {
        SmtpPath path;
        try {
            path = SmtpPath.parse(arg, "TO:");
        } catch (SmtpPath.SyntaxException e) {
            return switch (e.problem) {
                case PREFIX -> SmtpReplies.RCPT_SYNTAX;
                case ADDRESS -> SmtpReplies.BAD_RECIPIENT_SYNTAX;
                case PARAMETER -> SmtpReplies.BAD_PARAMETER;
            };
        }
        if (path.isNull()) return SmtpReplies.BAD_RECIPIENT_SYNTAX;
        if (!path.parameters().isEmpty() && !s.esmtp) return SmtpReplies.PARAMETERS_NEED_EHLO;
        Set<Dsn.Notify> notify = Set.of();
        String orcpt = null;
        for (Map.Entry<String, String> p : path.parameters().entrySet()) {
            try {
                switch (p.getKey()) {
                    case "NOTIFY" -> notify = Dsn.parseNotify(p.getValue());     // RFC 3461 4.1
                    case "ORCPT" -> orcpt = Dsn.parseOrcpt(p.getValue());        // RFC 3461 4.2
                    default -> {
                        return SmtpReplies.UNSUPPORTED_PARAMETER;
                    }
                }
            } catch (IllegalArgumentException e) {
                return SmtpReplies.BAD_PARAMETER;
            }
        }
        if (path.nonAscii() && !s.smtpUtf8) return SmtpReplies.UTF8_NEEDS_SMTPUTF8;
        if (s.recipients.size() >= s.env.config().maxRecipients()) return SmtpReplies.TOO_MANY_RECIPIENTS;
        String address = path.address();
        // RFC 5321 4.1.1.3: "RCPT TO:<Postmaster>" without a domain must be accepted.
        if (address.indexOf('@') < 0) address = address + "@" + s.env.shared().domains().primary();
        Reply reply;
        if (path.sourceRoute() || RelayPolicy.isRoutingTrick(address)) {
            reply = SmtpReplies.ROUTING_DENIED;
        } else if (s.env.delivery().relays(address) && !s.env.relay().mayRelay(s.authUser, s.connection.remote().getAddress())) {
            reply = SmtpReplies.RELAY_DENIED;
        } else {
            reply = s.env.delivery().checkRecipient(s.context(), address);
        }
        if (reply.isPositive()) {
            s.recipients.add(new Envelope.Recipient(address, notify, orcpt));
            s.phase = SmtpSession.Phase.RCPT;
        } else {
            log.info("{} recipient <{}> refused: {}", s, LogSafe.text(address), LogSafe.text(reply));
        }
        return reply;
    }
}
