package dev.portico.smtp.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Signs messages for one domain with one key (RFC 6376, relaxed/relaxed): reads the message once,
 * as the bytes that will be sent, and returns the {@code DKIM-Signature} field to put before them.
 * Thread-safe: it holds only the key and the names; every signature is computed on the caller's
 * thread.
 */
public final class DkimSigner {

    /**
     * The fields signed when present (RFC 6376 5.4.1's list of the ones that carry the message's
     * meaning), each instance of each; {@code From} is listed once more than it occurs
     * ("oversigned", 8.15), so that a second {@code From} added on the way breaks the signature.
     */
    public static final List<String> SIGNED_FIELDS = List.of("From", "To", "Cc", "Subject", "Date", "Message-ID",
            "MIME-Version", "Content-Type", "Reply-To", "In-Reply-To", "References");
    private static final Map<String, String> SIGNED_BY_LOWER = new HashMap<>();
    static {
        for (String f : SIGNED_FIELDS) SIGNED_BY_LOWER.put(f.toLowerCase(Locale.ROOT), f);
    }
    /** Folded lines stay within RFC 5322 2.1.1's 78 characters. */
    private static final int LINE = 76;

    private final String domain;
    private final String selector;
    private final DkimAlgorithm algorithm;
    private final PrivateKey key;
    private final Clock clock;

    /**
     * @param domain    the signing domain ({@code d=})
     * @param selector  the key's selector ({@code s=})
     * @param algorithm what {@code key} is for
     * @param key       an RSA private key for rsa-sha256, an Ed25519 one for ed25519-sha256
     * @param clock     gives {@code t=}
     */
    public DkimSigner(String domain, String selector, DkimAlgorithm algorithm, PrivateKey key, Clock clock) {
        this.domain = DkimConfig.normalDomain(domain);
        this.selector = Objects.requireNonNull(selector);
        this.algorithm = Objects.requireNonNull(algorithm);
        this.key = Objects.requireNonNull(key);
        this.clock = Objects.requireNonNull(clock);
        if (!DkimConfig.isDomain(this.domain)) throw new IllegalArgumentException("not a domain name: " + domain);
        if (!key.getAlgorithm().equalsIgnoreCase(algorithm.jcaName()) && !(algorithm == DkimAlgorithm.ED25519_SHA256
                && key.getAlgorithm().equalsIgnoreCase("EdDSA"))) {
            throw new IllegalArgumentException(algorithm + " needs an " + algorithm.jcaName() + " key, not " + key.getAlgorithm());
        }
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * Reads {@code message} (header section, empty line, body; lines ending in CRLF) to its end
     * and returns the field to send before it: {@code DKIM-Signature: ...} folded, ending in CRLF.
     * The stream is not closed.
     */
    public String sign(InputStream message) throws IOException {
        MessageDigest bodyHash = sha256();
        Parsed parsed = parse(message, new RelaxedCanonicalization.Body(new DigestSink(bodyHash)));

        // h=: every instance of every signed field present, From once more (RFC 6376 5.4.2: a
        // name listed more often than it occurs stands for a field that is not there, hashed as nothing).
        List<String> names = new ArrayList<>();
        List<byte[]> hashed = new ArrayList<>();
        for (String name : SIGNED_FIELDS) {
            List<byte[]> instances = parsed.fields.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
            for (int i = instances.size() - 1; i >= 0; i--) {   // from the bottom up, as a verifier takes them
                names.add(name);
                hashed.add(instances.get(i));
            }
            if (name.equals("From")) names.add(name);
        }

        Folder f = new Folder("DKIM-Signature:");
        f.atom("v=1;", true);
        f.atom("a=" + algorithm.tag() + ";", true);
        f.atom("c=relaxed/relaxed;", true);
        f.atom("d=" + domain + ";", true);
        f.atom("s=" + selector + ";", true);
        f.atom("t=" + clock.instant().getEpochSecond() + ";", true);
        for (int i = 0; i < names.size(); i++) {
            String atom = (i == 0 ? "h=" : "") + names.get(i) + (i == names.size() - 1 ? ";" : ":");
            f.atom(atom, i == 0);
        }
        f.base64("bh=", Base64.getEncoder().encodeToString(bodyHash.digest()) + ";");
        f.atom("b=", true);
        String unsigned = f.text();

        byte[] signature;
        try {
            // RFC 6376 3.7: the selected fields, then this one with an empty b= and no final CRLF.
            byte[] self = RelaxedCanonicalization.header(unsigned).getBytes(StandardCharsets.ISO_8859_1);
            if (algorithm == DkimAlgorithm.RSA_SHA256) {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(key);
                for (byte[] h : hashed) s.update(h);
                s.update(self, 0, self.length - 2);
                signature = s.sign();
            } else {
                // RFC 8463 3: Ed25519 signs the SHA-256 of the data, not the data
                MessageDigest d = sha256();
                for (byte[] h : hashed) d.update(h);
                d.update(self, 0, self.length - 2);
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(key);
                s.update(d.digest());
                signature = s.sign();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + algorithm + " failed: " + e.getMessage(), e);
        }
        f.base64("", Base64.getEncoder().encodeToString(signature));
        return f.text() + "\r\n";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The signed fields of a header section, each canonicalized, by lower-case name in message order. */
    private record Parsed(Map<String, List<byte[]>> fields) {}

    /**
     * Splits the header section into fields (a line starting with white space continues the field
     * before it) and feeds everything after the empty line to {@code body}. A message without an
     * empty line is all header and an empty body.
     */
    private static Parsed parse(InputStream in, RelaxedCanonicalization.Body body) throws IOException {
        Map<String, List<byte[]>> fields = new HashMap<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream(256);
        byte[] buf = new byte[16384];
        boolean lineStart = true;   // the next byte begins a line
        boolean lineEmpty = true;   // the current line has had nothing but (part of) its line ending
        boolean inHeader = true;
        int n;
        while ((n = in.read(buf)) > 0) {
            int i = 0;
            if (inHeader) {
                for (; i < n; i++) {
                    byte b = buf[i];
                    if (lineStart) {
                        lineStart = false;
                        lineEmpty = true;
                        if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                            keep(field, fields);   // a new field begins: the one before is complete
                        }
                    }
                    if (b == '\n') {
                        if (lineEmpty) {   // the empty line: the body starts after it
                            inHeader = false;
                            i++;
                            break;
                        }
                        field.write(b);
                        lineStart = true;
                        continue;
                    }
                    if (b != '\r') lineEmpty = false;
                    field.write(b);
                }
                if (inHeader) continue;
                keep(field, fields);
            }
            body.update(buf, i, n - i);
        }
        if (inHeader) keep(field, fields);
        body.finish();
        return new Parsed(fields);
    }

    private static void keep(ByteArrayOutputStream field, Map<String, List<byte[]>> fields) {
        if (field.size() == 0) return;
        String text = field.toString(StandardCharsets.ISO_8859_1);
        field.reset();
        int colon = text.indexOf(':');
        if (colon <= 0) return;   // not a field (an mbox "From " line, a broken header): never signed
        String name = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        if (!SIGNED_BY_LOWER.containsKey(name)) return;
        fields.computeIfAbsent(name, k -> new ArrayList<>())
                .add(RelaxedCanonicalization.header(text).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Feeds what the body canonicalizer writes to the body hash. */
    private static final class DigestSink extends OutputStream {
        private final MessageDigest digest;

        DigestSink(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }

    /**
     * Lays out the field in lines of at most {@link #LINE} characters. Every fold is CRLF and a
     * space, which the relaxed canonicalization turns into one space: inside h= (after a colon)
     * and base64 values RFC 6376's grammar allows white space, and between tags it is the separator.
     */
    private static final class Folder {
        private final StringBuilder out = new StringBuilder(512);
        private int column;

        Folder(String start) {
            out.append(start);
            column = start.length();
        }

        void atom(String atom, boolean spaceBefore) {
            if (column + (spaceBefore ? 1 : 0) + atom.length() > LINE) {
                out.append("\r\n ");
                column = 1;
            } else if (spaceBefore) {
                out.append(' ');
                column++;
            }
            out.append(atom);
            column += atom.length();
        }

        /** {@code tag} and a base64 value, broken wherever the line is full. */
        void base64(String tag, String value) {
            if (!tag.isEmpty()) atom(tag, true);
            int i = 0;
            while (i < value.length()) {
                if (column >= LINE) {
                    out.append("\r\n ");
                    column = 1;
                }
                int take = Math.min(value.length() - i, LINE - column);
                out.append(value, i, i + take);
                column += take;
                i += take;
            }
        }

        String text() {
            return out.toString();
        }
    }
}
