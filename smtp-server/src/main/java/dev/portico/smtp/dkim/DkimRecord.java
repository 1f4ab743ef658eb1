package dev.portico.smtp.dkim;

import java.util.ArrayList;
import java.util.List;

/**
 * A DKIM key's DNS TXT record (RFC 6376 3.6.2).
 *
 * @param name  {@code SELECTOR._domainkey.DOMAIN.}, fully qualified
 * @param value {@code v=DKIM1; k=rsa; p=...}
 */
public record DkimRecord(String name, String value) {

    /** One character-string of a TXT record holds at most 255 octets (RFC 1035 3.3). */
    private static final int STRING = 255;

    /**
     * The record as a zone file line: {@code NAME IN TXT "..." "..."}, the value cut into strings
     * of 255 characters, which resolvers join again (RFC 6376 3.6.2.2). An RSA 2048 key needs two.
     */
    public String zoneLine() {
        return name + " IN TXT " + String.join(" ", strings().stream().map(s -> "\"" + s + "\"").toList());
    }

    /** The value cut into TXT character-strings. */
    public List<String> strings() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.length(); i += STRING) out.add(value.substring(i, Math.min(value.length(), i + STRING)));
        return out;
    }
}
