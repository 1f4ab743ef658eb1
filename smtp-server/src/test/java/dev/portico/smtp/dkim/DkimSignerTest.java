package dev.portico.smtp.dkim;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Signatures checked by verifiers written by others (see {@link IndependentVerifiers}). */
class DkimSignerTest {

    /** Before now: dkimpy refuses a signature from the future. */
    private static final Instant SIGNED = Instant.parse("2026-01-02T03:04:05Z");
    private static final Clock CLOCK = Clock.fixed(SIGNED, ZoneOffset.UTC);

    @TempDir static Path keys;
    @TempDir Path tmp;

    private static final Map<DkimAlgorithm, DkimKey> KEYS = new EnumMap<>(DkimAlgorithm.class);

    @BeforeAll
    static void generateKeys() throws IOException {
        for (DkimAlgorithm a : DkimAlgorithm.values()) {
            KEYS.put(a, DkimKey.loadOrCreate(DkimKey.file(keys, "example.com", a.keyType()), a));
        }
    }

    private static DkimSigner signer(DkimAlgorithm a) {
        return KEYS.get(a).signer("example.com", "sel", CLOCK);
    }

    private static String record(DkimAlgorithm a) {
        return KEYS.get(a).record("example.com", "sel").value();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] signed(DkimAlgorithm a, byte[] message) throws IOException {
        String header = signer(a).sign(new ByteArrayInputStream(message));
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + message.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(message, 0, out, h.length, message.length);
        return out;
    }

    /** Both verifiers that know the algorithm must say the same; returns what they said. */
    private boolean verifies(DkimAlgorithm a, byte[] signedMessage) throws Exception {
        return verifies(a, signedMessage, true);
    }

    private boolean verifies(DkimAlgorithm a, byte[] signedMessage, boolean askJdkim) throws Exception {
        Boolean verdict = null;
        if (a == DkimAlgorithm.RSA_SHA256 && askJdkim) verdict = IndependentVerifiers.jdkim(signedMessage, record(a));
        if (IndependentVerifiers.PYTHON != null) {
            boolean py = IndependentVerifiers.dkimpy(signedMessage, record(a), tmp);
            if (verdict != null) assertThat(py).as("dkimpy agrees with jDKIM").isEqualTo(verdict);
            verdict = py;
        }
        assumeThat(verdict).as("an independent verifier of " + a + " (python3-dkim, python3-nacl)").isNotNull();
        return verdict;
    }

    static final String PLAIN = """
            From: Alice <alice@example.com>\r
            To: Bob <bob@example.net>\r
            Subject: Hello\r
            Date: Fri, 02 Jan 2026 03:04:05 +0000\r
            Message-ID: <1@example.com>\r
            \r
            Hello Bob.\r
            """;

    /** Long folded fields, white space at line ends and inside, white-space-only lines, empty lines at the end. */
    static final String AWKWARD = "From:   \"Alice  Example\"\t<alice@example.com>   \r\n"
            + "To: " + "someone.with.a.long.name@example.net,\r\n\t".repeat(40) + "last@example.net\r\n"
            + "Cc: a@example.org\r\n"
            + "Subject: a subject that goes on \r\n  and on\t\r\n\tand on  \r\n"
            + "Date: Fri, 02 Jan 2026 03:04:05 +0000\r\n"
            + "Message-ID: <2@example.com>\r\n"
            + "References: " + "<ref@example.com>\r\n ".repeat(30) + "<last@example.com>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain;\r\n charset=utf-8\r\n"
            + "X-Not-Signed: anything\r\n"
            + "\r\n"
            + "  leading white space  \r\n"
            + "\t\r\n"
            + "inner    runs\tof \t white space\r\n"
            + "   \r\n"
            + "\r\n"
            + "last text line   \r\n"
            + "\r\n"
            + "   \r\n"
            + "\r\n";

    /** RFC 6376 Appendix A's message; RFC 8463 Appendix A signs it and gives its relaxed body hash. */
    static final String RFC_6376_A = """
            From: Joe SixPack <joe@football.example.com>\r
            To: Suzie Q <suzie@shopping.example.net>\r
            Subject: Is dinner ready?\r
            Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r
            Message-ID: <20030712040037.46341.5F8J@football.example.com>\r
            \r
            Hi.\r
            \r
            We lost the game.  Are you hungry yet?\r
            \r
            Joe.\r
            \r
            """;

    @ParameterizedTest
    @EnumSource(DkimAlgorithm.class)
    void theRfcExampleHasTheRfcsBodyHashAndVerifies(DkimAlgorithm a) throws Exception {
        byte[] signed = signed(a, bytes(RFC_6376_A));
        assertThat(compact(new String(signed, StandardCharsets.US_ASCII)))
                .contains(";h=From:From:To:Subject:Date:Message-ID;bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;b=");
        assertThat(verifies(a, signed)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(DkimAlgorithm.class)
    void aPlainMessageVerifies(DkimAlgorithm a) throws Exception {
        assertThat(verifies(a, signed(a, bytes(PLAIN)))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(DkimAlgorithm.class)
    void foldedFieldsTrailingWhiteSpaceAndWhiteSpaceOnlyLinesVerify(DkimAlgorithm a) throws Exception {
        assertThat(verifies(a, signed(a, bytes(AWKWARD)))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(DkimAlgorithm.class)
    void emptyBodiesVerify(DkimAlgorithm a) throws Exception {
        // Not jDKIM: 0.5 hashes an empty relaxed body as one CRLF, RFC 4871's reading, which RFC 6376
        // 3.4.4 ended ("if the body is non-empty but does not end with a CRLF"); dkimpy and OpenDKIM follow 6376.
        String headers = PLAIN.substring(0, PLAIN.indexOf("\r\n\r\n") + 2);
        assertThat(verifies(a, signed(a, bytes(headers + "\r\n")), false)).isTrue();
        assertThat(verifies(a, signed(a, bytes(headers + "\r\n\r\n  \r\n\r\n")), false)).isTrue();
        String noEmptyLine = signer(a).sign(new ByteArrayInputStream(bytes(headers)));
        assertThat(compact(noEmptyLine)).contains(";bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;");
    }

    @ParameterizedTest
    @EnumSource(DkimAlgorithm.class)
    void eightBitHeadersAndRepeatedFieldsVerify(DkimAlgorithm a) throws Exception {
        String message = "From: Jürgen <j@example.com>\r\n"
                + "To: one@example.net\r\n"
                + "Subject: Grüße aus Köln\r\n"
                + "To: two@example.net\r\n"
                + "Received: from x by y\r\n"
                + "\r\n"
                + "Grüße\r\n";
        byte[] signed = signed(a, bytes(message));
        assertThat(new String(signed, StandardCharsets.UTF_8)).contains("h=From:From:To:To:Subject;");
        assertThat(verifies(a, signed)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(DkimAlgorithm.class)
    void aChangedBodyOrAnAddedFromFails(DkimAlgorithm a) throws Exception {
        byte[] signed = signed(a, bytes(PLAIN));
        String text = new String(signed, StandardCharsets.UTF_8);
        assertThat(verifies(a, bytes(text.replace("Hello Bob.", "Hello Bob!")))).isFalse();
        assertThat(verifies(a, bytes(text.replace("Subject: Hello", "Subject: Hullo")))).isFalse();
        // From is oversigned: a second From added anywhere breaks the signature
        assertThat(verifies(a, bytes(text.replace("To: Bob", "From: Mallory <m@example.org>\r\nTo: Bob")))).isFalse();
        // what relaxed canonicalization forgives, a verifier forgives too
        assertThat(verifies(a, bytes(text.replace("Subject: Hello", "Subject:   Hello  ")
                .replace("Hello Bob.\r\n", "Hello   Bob.  \r\n\r\n\r\n")))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(DkimAlgorithm.class)
    void theFieldIsFoldedWithinLineLimitsAndNamesWhatItSigns(DkimAlgorithm a) throws IOException {
        String header = signer(a).sign(new ByteArrayInputStream(bytes(AWKWARD)));
        assertThat(header).startsWith("DKIM-Signature: v=1; a=" + a.tag() + "; c=relaxed/relaxed;")
                .endsWith("\r\n").doesNotContain("\r\n\r\n");
        assertThat(compact(header)).startsWith("DKIM-Signature:v=1;a=" + a.tag() + ";c=relaxed/relaxed;d=example.com;s=sel;t="
                + SIGNED.getEpochSecond() + ";h=From:From:To:Cc:Subject:Date:Message-ID:MIME-Version:Content-Type:References;bh=");
        for (String line : header.split("\r\n")) assertThat(line.length()).isLessThanOrEqualTo(78);
        // every continuation line starts with white space: one field
        assertThat(java.util.Arrays.stream(header.split("\r\n")).skip(1).toList()).allSatisfy(l -> assertThat(l).startsWith(" "));
    }

    /** The field without its folds and spaces: what it says, whatever the layout. */
    private static String compact(String field) {
        return field.replace("\r\n", "").replace(" ", "");
    }

    @Test
    void bareLineFeedsAreSignedAsTheCrLfTheyAreSentAs() throws IOException {
        for (DkimAlgorithm a : DkimAlgorithm.values()) {
            String crlf = signer(a).sign(new ByteArrayInputStream(bytes(AWKWARD)));
            String lf = signer(a).sign(new ByteArrayInputStream(bytes(AWKWARD.replace("\r\n", "\n"))));
            assertThat(lf).isEqualTo(crlf);
        }
    }

    @Test
    void theMessageIsReadOnceToItsEndInSmallReads() throws IOException {
        byte[] message = bytes(AWKWARD);
        int[] reads = {0};
        // a stream that hands out three bytes per read: every boundary falls somewhere awkward
        InputStream trickle = new InputStream() {
            int pos;
            @Override public int read() {
                return pos < message.length ? message[pos++] & 0xff : -1;
            }
            @Override public int read(byte[] b, int off, int len) {
                reads[0]++;
                if (pos >= message.length) return -1;
                int n = Math.min(3, Math.min(len, message.length - pos));
                System.arraycopy(message, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        DkimSigner s = signer(DkimAlgorithm.ED25519_SHA256);
        assertThat(s.sign(trickle)).isEqualTo(s.sign(new ByteArrayInputStream(message)));
        assertThat(trickle.read()).isEqualTo(-1);
        assertThat(reads[0]).isBetween(message.length / 3, message.length / 3 + 3);
    }
}
