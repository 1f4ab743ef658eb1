package dev.portico.smtp;

import dev.portico.core.LogSafe;
import dev.portico.core.Reply;
import dev.portico.core.auth.Permission;
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
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The default delivery: local users' Maildirs through the shared {@link MailStore}. Accepts only
 * addresses in the local domains (no relay yet: mail for other domains, from anyone, authenticated
 * or not, gets 550 5.7.1) whose local part is a user; {@code postmaster} (RFC 5321 4.5.1) goes to
 * a user of that name or else to the first administrator. As the final delivery agent it adds
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
        return user(local.get()).isPresent() ? SmtpReplies.RECIPIENT_OK : SmtpReplies.UNKNOWN_USER;
    }

    /** The user a local part of one of our domains belongs to; {@code postmaster} falls back to the first administrator. */
    private Optional<User> user(String localPart) {
        String local = unquote(localPart);
        Optional<User> user = users.find(local);
        if (user.isPresent()) return user;
        if (!local.toLowerCase(Locale.ROOT).equals("postmaster")) return Optional.empty();
        return users.list().stream().filter(u -> u.can(Permission.ADMIN)).findFirst();
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
            domains.localPart(r).flatMap(this::user).ifPresent(u -> recipients.add(u.name()));
        }
        if (recipients.isEmpty()) return SmtpReplies.UNKNOWN_USER;
        byte[] returnPath = ("Return-Path: <" + envelope.sender() + ">\r\n").getBytes(StandardCharsets.UTF_8);
        mail.deliver(recipients, new SequenceInputStream(new ByteArrayInputStream(returnPath), body));
        log.debug("smtp-{} delivered message from <{}> to {}", ctx.sessionId(), LogSafe.text(envelope.sender()), recipients);
        return SmtpReplies.DELIVERED;
    }
}
