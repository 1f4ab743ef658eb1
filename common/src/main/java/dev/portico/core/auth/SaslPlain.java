package dev.portico.core.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The SASL PLAIN message (RFC 4616) that SMTP AUTH and POP3 AUTH carry, decoded. */
public record SaslPlain(String authorizationId, String user, char[] password) {

    /**
     * Decodes {@code base64(authzid NUL authcid NUL passwd)}.
     *
     * @throws IllegalArgumentException when it is not valid base64 or not three fields
     */
    public static SaslPlain decode(String base64) {
        byte[] raw = Base64.getDecoder().decode(base64.trim());
        String s = new String(raw, StandardCharsets.UTF_8);
        int a = s.indexOf('\0');
        int b = a < 0 ? -1 : s.indexOf('\0', a + 1);
        if (a < 0 || b < 0 || s.indexOf('\0', b + 1) >= 0) {
            throw new IllegalArgumentException("PLAIN needs authzid NUL authcid NUL password");
        }
        String user = s.substring(a + 1, b);
        if (user.isEmpty()) throw new IllegalArgumentException("empty user name");
        return new SaslPlain(s.substring(0, a), user, s.substring(b + 1).toCharArray());
    }
}
