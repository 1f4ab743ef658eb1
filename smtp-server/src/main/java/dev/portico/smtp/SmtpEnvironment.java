package dev.portico.smtp;

import dev.portico.core.Services;

import java.nio.file.Path;

/**
 * What every session of one {@link SmtpServer} shares: immutable or thread-safe.
 *
 * @param hostname the name in the greeting, EHLO reply and trace headers
 * @param spoolDir where messages over the memory threshold are held until delivered
 */
record SmtpEnvironment(Services services, SmtpConfig config, DeliveryHandler delivery, String hostname, Path spoolDir) {
}
