package dev.portico.smtp;

import java.net.InetSocketAddress;

/**
 * A read-only view of an SMTP session for {@link DeliveryHandler}s: never the mutable session.
 *
 * @param sessionId         the connection id, as in the logs ({@code smtp-42})
 * @param remote            the client's address
 * @param heloName          the name the client gave in EHLO/HELO
 * @param tls               whether the session runs over TLS
 * @param authenticatedUser the user who authenticated with AUTH, or null
 * @param submission        whether the session came in on the submission listener
 * @param mayRelay          whether the session may have mail for other domains accepted (AUTH or
 *                          {@code smtp.relay.networks}, see {@link dev.portico.smtp.relay.RelayPolicy})
 */
public record SmtpContext(long sessionId, InetSocketAddress remote, String heloName, boolean tls,
                          String authenticatedUser, boolean submission, boolean mayRelay) {
}
