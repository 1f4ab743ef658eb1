package dev.portico.smtp.dkim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 6376 3.4.2 and 3.4.4, with the RFC's own example (3.4.5). */
class RelaxedCanonicalizationTest {

    private static String body(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RelaxedCanonicalization.Body b = new RelaxedCanonicalization.Body(out);
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        b.update(bytes, 0, bytes.length);
        b.finish();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The same body fed one byte at a time: every state carried across reads. */
    private static String bodyByteByByte(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RelaxedCanonicalization.Body b = new RelaxedCanonicalization.Body(out);
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i++) b.update(bytes, i, 1);
        b.finish();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void rfc6376Example345Headers() {
        // "A: X", "B : Y<HTAB>" folded onto "<HTAB>Z<SP><SP>"
        assertThat(RelaxedCanonicalization.header("A: X\r\n")).isEqualTo("a:X\r\n");
        assertThat(RelaxedCanonicalization.header("B : Y\t\r\n\tZ  \r\n")).isEqualTo("b:Y Z\r\n");
    }

    @Test
    void rfc6376Example345Body() throws IOException {
        String body = " C \r\nD \t E\r\n\r\n\r\n";
        assertThat(body(body)).isEqualTo(" C\r\nD E\r\n");
        assertThat(bodyByteByByte(body)).isEqualTo(" C\r\nD E\r\n");
    }

    @Test
    void headerNameLowerCasedValueUnfoldedAndTrimmed() {
        assertThat(RelaxedCanonicalization.header("SUBJECT:   a  \t b\r\n  c\t\r\n")).isEqualTo("subject:a b c\r\n");
        assertThat(RelaxedCanonicalization.header("To:\r\n x@example.com")).isEqualTo("to:x@example.com\r\n");
        assertThat(RelaxedCanonicalization.header("X-Empty:   \r\n")).isEqualTo("x-empty:\r\n");
        // 8-bit octets (SMTPUTF8) pass through as they are
        byte[] utf8 = "Subject: Grüße\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(RelaxedCanonicalization.header(utf8), StandardCharsets.UTF_8)).isEqualTo("subject:Grüße\r\n");
    }

    @Test
    void emptyBodiesAreEmpty() throws IOException {
        assertThat(body("")).isEmpty();
        assertThat(body("\r\n")).isEmpty();
        assertThat(body("\r\n\r\n \t \r\n")).isEmpty();
        // RFC 6376 3.4.4 with errata 3985: the hash of an empty relaxed body is SHA-256 of nothing
        assertThat(Base64.getEncoder().encodeToString(sha256(body("\r\n"))))
                .isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    @Test
    void lastLineGetsItsLineEndingAndTrailingWhiteSpaceGoes() throws IOException {
        assertThat(body("a")).isEqualTo("a\r\n");
        assertThat(body("a \t")).isEqualTo("a\r\n");
        assertThat(body("a\r\nb  ")).isEqualTo("a\r\nb\r\n");
    }

    @Test
    void whiteSpaceOnlyLinesInsideTheBodyStayAsEmptyLines() throws IOException {
        String body = "a\r\n   \r\n\t\r\n\r\nb\r\n \r\n";
        assertThat(body(body)).isEqualTo("a\r\n\r\n\r\n\r\nb\r\n");
        assertThat(bodyByteByByte(body)).isEqualTo("a\r\n\r\n\r\n\r\nb\r\n");
    }

    @Test
    void bareLineFeedIsALineEndingBareCarriageReturnIsNot() throws IOException {
        assertThat(body("a \nb\n\n")).isEqualTo(body("a \r\nb\r\n\r\n")).isEqualTo("a\r\nb\r\n");
        assertThat(body("a\rb\r\n")).isEqualTo("a\rb\r\n");
        assertThat(body("a\r")).isEqualTo("a\r\r\n");
        assertThat(bodyByteByByte("x\r\r\ny\r")).isEqualTo(body("x\r\r\ny\r")).isEqualTo("x\r\r\ny\r\r\n");
    }

    @Test
    void longBodiesStreamThroughTheBuffer() throws IOException {
        String line = "0123456789 \t 0123456789   \r\n";
        String canonical = "0123456789 0123456789\r\n";
        String body = line.repeat(5000) + "\r\n".repeat(3000);
        assertThat(body(body)).isEqualTo(canonical.repeat(5000));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.ISO_8859_1));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
