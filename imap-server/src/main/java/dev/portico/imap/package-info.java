/**
 * The IMAP server (RFC 9051 and RFC 3501) over the shared Maildir: folders, stable UIDs, IDLE.
 */
package dev.portico.imap;
