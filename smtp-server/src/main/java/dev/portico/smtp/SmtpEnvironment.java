package dev.portico.smtp;

import dev.portico.smtp.relay.RelayPolicy;

/**
 * What every session of one {@link SmtpServer} shares: immutable or thread-safe.
 *
 * @param shared   the objects the launcher shares between servers (TLS, logins, domains, users, spool)
 * @param delivery where accepted mail goes
 * @param hostname the name in the greeting, EHLO reply and trace headers
 * @param relay    who may relay, and as which senders
 */
record SmtpEnvironment(SmtpConfig config, SmtpServer.Shared shared, DeliveryHandler delivery, String hostname,
                       RelayPolicy relay) {
}
