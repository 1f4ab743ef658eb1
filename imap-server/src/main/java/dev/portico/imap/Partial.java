package dev.portico.imap;

import java.util.Arrays;

/**
 * A {@code <origin.length>} partial of a FETCH (RFC 9051 6.4.5): the caller applies it to what
 * {@link MessageView#section} or {@link MessageView#binary} returned, and names the origin in the
 * reply ({@code BODY[TEXT]<0>}).
 */
public record Partial(long origin, long length) {

    public Partial {
        if (origin < 0 || length < 0) throw new IllegalArgumentException("negative partial");
    }

    /** The octets from {@code origin}, at most {@code length} of them; empty when origin is past the end. */
    public byte[] of(byte[] whole) {
        if (origin >= whole.length) return new byte[0];
        int from = (int) origin;
        return Arrays.copyOfRange(whole, from, (int) Math.min(whole.length, from + length));
    }

    /** What the reply's data item carries after the section: {@code <origin>}. */
    public String suffix() {
        return "<" + origin + ">";
    }
}
