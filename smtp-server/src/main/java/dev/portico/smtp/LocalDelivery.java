package dev.portico.smtp;

import dev.portico.core.LogSafe;
import dev.portico.core.Reply;
import dev.portico.core.auth.User;
import dev.portico.core.auth.UserDirectory;
import dev.portico.core.mail.MailDomains;
import dev.portico.core.mail.MailStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The default delivery: local users' Maildirs through the shared {@link MailStore}. Accepts only
 * addresses in the local domains (no relay yet: mail for other domains, from anyone, authenticated
 * or not, gets 550 5.7.1) whose local part is a user, and {@code postmaster} in any case, always
 * (RFC 5321 4.5.1: it must be accepted, also with no administrator around). Postmaster mail goes
 * to the role mailbox {@link MailStore#POSTMASTER} ({@code DATA/mail/postmaster/Maildir}), which
 * administrators read with the shell's {@code postmaster} command; a user named
 * {@code postmaster} owns that same mailbox. One copy in one place, whoever the administrators are
 * when it arrives (handing it to every administrator would copy it N times, to none when there
 * is none, and lose track of it when administrators change). As the final delivery agent it adds
 * {@code Return-Path:} (RFC 5321 4.4).
 */
public final class LocalDelivery implements DeliveryHandler {

    private static final Logger log = LoggerFactory.getLogger(LocalDelivery.class);

    private final MailStore mail;
    private final MailDomains domains;
    private final UserDirectory users;

    public LocalDelivery(MailStore mail, MailDomains domains, UserDirectory users) {
        this.mail = mail;
        this.domains = domains;
        this.users = users;
    }

    @Override
    public Reply checkRecipient(SmtpContext ctx, String address) {
        Optional<String> local = domains.localPart(address);
        if (local.isEmpty()) return SmtpReplies.RELAY_DENIED;
        return mailbox(local.get()).isPresent() ? SmtpReplies.RECIPIENT_OK : SmtpReplies.UNKNOWN_USER;
    }

    /** The mailbox a local part of one of our domains delivers to: a user's, or the postmaster's. */
    private Optional<String> mailbox(String localPart) {
        String local = unquote(localPart);
        Optional<User> user = users.find(local);
        if (user.isPresent()) return Optional.of(user.get().name());
        return local.equalsIgnoreCase(MailStore.POSTMASTER) ? Optional.of(MailStore.POSTMASTER) : Optional.empty();
    }

    /** RFC 5321 4.1.2: {@code "alice"@domain} is the same mailbox as {@code alice@domain}. */
    private static String unquote(String local) {
        if (local.length() < 2 || !local.startsWith("\"") || !local.endsWith("\"")) return local;
        StringBuilder b = new StringBuilder(local.length());
        for (int i = 1; i < local.length() - 1; i++) {
            char c = local.charAt(i);
            if (c == '\\' && i + 1 < local.length() - 1) c = local.charAt(++i);
            b.append(c);
        }
        return b.toString();
    }

    @Override
    public Reply deliver(SmtpContext ctx, Envelope envelope, InputStream body) throws IOException {
        Set<String> recipients = new LinkedHashSet<>();
        for (String r : envelope.recipients()) {
            // Re-checked here: a user removed between RCPT and the end of DATA gets nothing.
            domains.localPart(r).flatMap(this::mailbox).ifPresent(recipients::add);
        }
        if (recipients.isEmpty()) return SmtpReplies.UNKNOWN_USER;
        byte[] returnPath = ("Return-Path: <" + envelope.sender() + ">\r\n").getBytes(StandardCharsets.UTF_8);
        mail.deliver(recipients, new SequenceInputStream(new ByteArrayInputStream(returnPath), body));
        log.debug("smtp-{} delivered message from <{}> to {}", ctx.sessionId(), LogSafe.text(envelope.sender()), recipients);
        return SmtpReplies.DELIVERED;
    }
}
