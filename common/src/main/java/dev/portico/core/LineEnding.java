package dev.portico.core;

/** How {@link LineConnection#readLine()} treats line endings other than CR LF. */
public enum LineEnding {
    /** Only CR LF ends a line; a bare LF or CR is reported as {@link BareLineEndingException} (SMTP, RFC 5321 §2.3.8). */
    STRICT_CRLF,
    /** CR LF or a bare LF ends a line; other CRs are data (FTP, POP3: clients in the wild send bare LF). */
    LENIENT
}
