package dev.portico.core.mail;

import java.time.Instant;

/**
 * One message in a mailbox.
 *
 * @param uid   the Maildir unique name, stable across sessions (POP3 UIDL)
 * @param size  octets as POP3 sends them before dot-stuffing (RFC 1939 §11, what LIST and STAT
 *              report): every line ended by CR LF, also where the file has a bare LF
 * @param seen  whether it has left {@code new/}
 */
public record MessageInfo(String uid, long size, Instant received, boolean seen) {
}
