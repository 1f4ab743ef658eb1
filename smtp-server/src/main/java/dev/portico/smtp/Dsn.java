package dev.portico.smtp;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The parameters of the DSN extension (RFC 3461): {@code RET} and {@code ENVID} on MAIL,
 * {@code NOTIFY} and {@code ORCPT} on RCPT, and the xtext encoding (RFC 3461 4) their values use.
 * The session parses them into the {@link Envelope}; the relay queue passes them on to a remote
 * that offers DSN ({@link #xtext}, {@link Envelope.Recipient#notifyParameter()}) and honours them
 * when it reports ({@code dev.portico.smtp.relay.DeliveryStatusReport}).
 */
public final class Dsn {

    private Dsn() {}

    /** RFC 3461 4.4: ENVID is at most 100 characters (as sent, xtext-encoded). */
    public static final int MAX_ENVID = 100;
    /** RFC 3461 4.2: ORCPT is at most 500 characters (as sent, xtext-encoded). */
    public static final int MAX_ORCPT = 500;

    /** {@code RET=} (RFC 3461 4.3): what of the message a failure report carries. */
    public enum Ret {
        /** The whole message. */
        FULL,
        /** Only its header section (text/rfc822-headers). */
        HDRS
    }

    /** One keyword of {@code NOTIFY=} (RFC 3461 4.1). */
    public enum Notify {
        SUCCESS, FAILURE, DELAY,
        /** No report at all; never with another keyword. */
        NEVER
    }

    /**
     * Parses a {@code NOTIFY=} value: {@code NEVER} alone, or one or more of SUCCESS, FAILURE,
     * DELAY separated by commas, case-insensitive.
     *
     * @throws IllegalArgumentException when it is none of these (the session answers 501 5.5.4)
     */
    public static Set<Notify> parseNotify(String value) {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("NOTIFY needs a value");
        EnumSet<Notify> set = EnumSet.noneOf(Notify.class);
        for (String word : value.split(",", -1)) {
            Notify n;
            try {
                n = Notify.valueOf(word.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown NOTIFY keyword: " + word);
            }
            if (!set.add(n)) throw new IllegalArgumentException("NOTIFY keyword twice: " + word);
        }
        if (set.contains(Notify.NEVER) && set.size() > 1) throw new IllegalArgumentException("NEVER with another keyword");
        return Collections.unmodifiableSet(set);
    }

    /** Parses {@code RET=FULL|HDRS}, case-insensitive. */
    public static Ret parseRet(String value) {
        if (value == null) throw new IllegalArgumentException("RET needs a value");
        return switch (value.toUpperCase(Locale.ROOT)) {
            case "FULL" -> Ret.FULL;
            case "HDRS" -> Ret.HDRS;
            default -> throw new IllegalArgumentException("RET is FULL or HDRS");
        };
    }

    /**
     * Parses {@code ORCPT=addr-type;xtext} (RFC 3461 4.2) into {@code addr-type;address} with the
     * address decoded, as the {@code Original-Recipient:} field of a report shows it (RFC 3464 2.3.1).
     */
    public static String parseOrcpt(String value) {
        if (value == null || value.length() > MAX_ORCPT) throw new IllegalArgumentException("ORCPT missing or too long");
        int semi = value.indexOf(';');
        if (semi <= 0 || semi == value.length() - 1) throw new IllegalArgumentException("ORCPT is addr-type;address");
        String type = value.substring(0, semi);
        if (!type.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-'))) {
            throw new IllegalArgumentException("bad ORCPT address type");
        }
        // RFC 6533 3.4 utf-8-addr-xtext would allow more; plain xtext is what RFC 3461 asks for.
        return type + ";" + decodeXtext(value.substring(semi + 1));
    }

    /** The {@code ORCPT=} parameter for an original recipient kept as {@code addr-type;address}. */
    public static String orcptParameter(String originalRecipient) {
        int semi = originalRecipient.indexOf(';');
        return originalRecipient.substring(0, semi + 1) + xtext(originalRecipient.substring(semi + 1));
    }

    /** Parses {@code ENVID=} into the decoded envelope identifier. */
    public static String parseEnvid(String value) {
        if (value == null || value.length() > MAX_ENVID) throw new IllegalArgumentException("ENVID missing or too long");
        return decodeXtext(value);
    }

    /**
     * Decodes xtext (RFC 3461 4): printable ASCII but {@code +} and {@code =} as is, any octet
     * as {@code +XX} with upper-case hex digits. Refuses what decodes to control characters or to
     * invalid UTF-8.
     */
    public static String decodeXtext(String xtext) {
        if (xtext.isEmpty()) throw new IllegalArgumentException("empty xtext");
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(xtext.length());
        for (int i = 0; i < xtext.length(); i++) {
            char c = xtext.charAt(i);
            if (c == '+') {
                if (i + 2 >= xtext.length()) throw new IllegalArgumentException("truncated xtext hexchar");
                b.write(hex(xtext.charAt(i + 1)) * 16 + hex(xtext.charAt(i + 2)));
                i += 2;
            } else if (c >= 33 && c <= 126 && c != '=') {
                b.write(c);
            } else {
                throw new IllegalArgumentException("character not allowed in xtext");
            }
        }
        String text = b.toString(java.nio.charset.StandardCharsets.UTF_8);
        // Decoded values end up in report fields: a CR LF there would forge header lines.
        if (text.chars().anyMatch(c -> c < 32 || c == 127 || c == 0xFFFD)) {
            throw new IllegalArgumentException("xtext decodes to a control character");
        }
        return text;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw new IllegalArgumentException("xtext hexchar must be upper-case hex");
    }

    /** Encodes text as xtext (RFC 3461 4); characters beyond ASCII are encoded as their UTF-8 octets. */
    public static String xtext(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (byte x : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 33 && c <= 126 && c != '+' && c != '=') b.append((char) c);
            else b.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
        }
        return b.toString();
    }
}
