package dev.portico.imap;

import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.List;

/**
 * One message as IMAP FETCH and SEARCH see it: its MIME structure parsed once by Jakarta Mail
 * (offsets into the message's bytes, never a hand-written parser), answering ENVELOPE,
 * BODYSTRUCTURE, BODY[section], BINARY and SEARCH's content keys. Immutable and thread-safe, so
 * {@link MessageViews} can share one among sessions.
 *
 * <p>Never throws on a broken message: a part whose structure does not parse is described as
 * {@code text/plain} over its bytes (as Dovecot does), so every message has a valid BODYSTRUCTURE.
 */
public final class MessageView {

    private MessageView() {}

    /**
     * Reads the message whole (it holds the bytes: sections are slices of them).
     *
     * @param crlf the message as sent, every line ended by CR LF ({@code Folder.content})
     * @param size its octets (RFC822.SIZE), used to size the buffer; what is read counts
     * @throws IOException only when reading fails; broken MIME is no error
     */
    public static MessageView parse(InputStream crlf, long size) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** {@link #parse} over bytes in memory. */
    public static MessageView of(byte[] crlf) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Octets of the message (RFC822.SIZE). */
    public long size() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The ENVELOPE, parenthesised (RFC 9051 7.5.2): date, subject, from, sender, reply-to, to, cc,
     * bcc, in-reply-to, message-id. Header text as written (encoded words kept), NIL for missing
     * fields, sender and reply-to default to from, groups as the RFC writes them. Write it as UTF-8:
     * strings that need a literal are literals already.
     */
    public String envelope() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * {@code BODYSTRUCTURE} with {@code extended}, else {@code BODY} (no extension data), parenthesised.
     * Written as UTF-8, like {@link #envelope()}.
     */
    public String bodyStructure(boolean extended) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The octets of a section, whole; the caller applies a {@link Partial}. HEADER and MIME end with
     * the empty line; HEADER.FIELDS gives the matching fields as written, then the empty line. Part
     * {@code 1} of a message that is not multipart is its body; HEADER / TEXT of a part are those of
     * the message/rfc822 it holds.
     *
     * @return the octets, or null when the message has no such part (the session answers NIL)
     */
    public byte[] section(SectionSpec section) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The content of a part with its transfer encoding undone (RFC 3516 BINARY); the empty path is
     * the whole message as it is.
     *
     * @return the octets, or null when there is no such part
     * @throws UnknownCteException when the encoding is one the server cannot decode
     */
    public byte[] binary(List<Integer> part) throws UnknownCteException {
        throw new UnsupportedOperationException("not yet");
    }

    /** {@code BINARY.SIZE}: the length of {@link #binary}, or -1 when there is no such part. */
    public long binarySize(List<Integer> part) throws UnknownCteException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The day of the {@code Date} header in its own time zone, for SENTBEFORE / SENTON /
     * SENTSINCE (RFC 9051 6.4.4: time and zone disregarded); null when it is missing or does not parse.
     */
    public LocalDate sentDate() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Every value of a top-level header field, unfolded, as written (encoded words kept). */
    public List<String> header(String name) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * SEARCH {@code HEADER name text} and FROM / TO / CC / BCC / SUBJECT: whether a field of that
     * name contains {@code text}, case-insensitively, in its decoded value (encoded words undone).
     * An empty {@code text} matches every message that has the field.
     */
    public boolean headerContains(String name, String text) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * SEARCH {@code BODY text}: whether the body (the text of every part, transfer encoding and
     * charset undone) contains {@code text}, case-insensitively.
     */
    public boolean bodyContains(String text) {
        throw new UnsupportedOperationException("not yet");
    }

    /** SEARCH {@code TEXT text}: {@link #bodyContains} or any header field (decoded) contains it. */
    public boolean textContains(String text) {
        throw new UnsupportedOperationException("not yet");
    }
}
