package dev.portico.core.mail;

import java.time.Instant;

/**
 * One message in a mailbox.
 *
 * @param uid   the Maildir unique name, stable across sessions (POP3 UIDL)
 * @param size  octets as stored, CR LF line endings included (what POP3 LIST reports)
 * @param seen  whether it has left {@code new/}
 */
public record MessageInfo(String uid, long size, Instant received, boolean seen) {
}
