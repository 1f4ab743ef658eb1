package dev.portico.smtp;

import dev.portico.core.Reply;
import dev.portico.core.Services;
import dev.portico.core.auth.Permission;
import dev.portico.core.auth.User;
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
 * The default delivery: local users' Maildirs through {@link Services#mail()}. Accepts only
 * addresses in the local domains (no relay yet: mail for other domains, from anyone, authenticated
 * or not, gets 550 5.7.1) whose local part is a user; {@code postmaster} (RFC 5321 4.5.1) goes to
 * a user of that name or else to the first administrator. As the final delivery agent it adds
 * {@code Return-Path:} (RFC 5321 4.4).
 */
public final class LocalDelivery implements DeliveryHandler {

    private static final Logger log = LoggerFactory.getLogger(LocalDelivery.class);

    private final Services services;

    public LocalDelivery(Services services) {
        this.services = services;
    }

    @Override
    public Reply checkRecipient(SmtpContext ctx, String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || !services.isLocalDomain(address.substring(at + 1))) return SmtpReplies.RELAY_DENIED;
        return user(address).isPresent() ? SmtpReplies.RECIPIENT_OK : SmtpReplies.UNKNOWN_USER;
    }

    private Optional<User> user(String address) {
        int at = address.lastIndexOf('@');
        String local = unquote(address.substring(0, at));
        Optional<User> user = services.localRecipient(local + address.substring(at));
        if (user.isPresent()) return user;
        if (!local.toLowerCase(Locale.ROOT).equals("postmaster")) return Optional.empty();
        return services.users().list().stream().filter(u -> u.can(Permission.ADMIN)).findFirst();
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
        Set<String> users = new LinkedHashSet<>();
        for (String r : envelope.recipients()) {
            // Re-checked here: a user removed between RCPT and the end of DATA gets nothing.
            user(r).ifPresent(u -> users.add(u.name()));
        }
        if (users.isEmpty()) return SmtpReplies.UNKNOWN_USER;
        byte[] returnPath = ("Return-Path: <" + envelope.sender() + ">\r\n").getBytes(StandardCharsets.UTF_8);
        services.mail().deliver(users, new SequenceInputStream(new ByteArrayInputStream(returnPath), body));
        log.debug("smtp-{} delivered message from <{}> to {}", ctx.sessionId(), envelope.sender(), users);
        return SmtpReplies.DELIVERED;
    }
}
