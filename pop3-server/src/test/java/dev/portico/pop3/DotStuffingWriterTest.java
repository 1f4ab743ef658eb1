package dev.portico.pop3;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DotStuffingWriterTest {

    private static String write(String message, long maxBodyLines) throws IOException {
        return write(message.getBytes(StandardCharsets.ISO_8859_1), maxBodyLines);
    }

    private static String write(byte[] message, long maxBodyLines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffingWriter w = new DotStuffingWriter(out::write);
        w.copy(new ByteArrayInputStream(message), maxBodyLines);
        w.finish();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void linesStartingWithADotGetAnotherOne() throws IOException {
        assertThat(write("A: b\r\n\r\n.x\r\n.\r\n..\r\nmid.dle\r\n", -1))
                .isEqualTo("A: b\r\n\r\n..x\r\n..\r\n...\r\nmid.dle\r\n.\r\n");
    }

    @Test
    void aDotAtTheVeryStartIsStuffedToo() throws IOException {
        assertThat(write(".first\r\n", -1)).isEqualTo("..first\r\n.\r\n");
    }

    @Test
    void crLfMessagesPassByteForByte() throws IOException {
        byte[] bin = TestMessages.binary(70_000, 1);
        // every bare CR and LF in random bytes would be rewritten, so build CR LF lines of binary-ish text
        StringBuilder b = new StringBuilder();
        for (byte x : bin) {
            char c = (char) (x & 0xff);
            b.append(c == '\r' || c == '\n' || c == '.' ? 'x' : c);
            if (b.length() % 77 == 0) b.append("\r\n");
        }
        b.append("\r\n");
        String text = b.toString();
        assertThat(write(text, -1)).isEqualTo(text + ".\r\n");
    }

    @Test
    void bareLfBecomesCrLfAndAMissingFinalLineEndIsAdded() throws IOException {
        assertThat(write("a\nb\r\nc", -1)).isEqualTo("a\r\nb\r\nc\r\n.\r\n");
        assertThat(write("a\r", -1)).isEqualTo("a\r\n.\r\n");
    }

    @Test
    void emptyMessageIsJustTheTerminator() throws IOException {
        assertThat(write("", -1)).isEqualTo(".\r\n");
    }

    @Test
    void topSendsHeaderBlankLineAndNBodyLines() throws IOException {
        String m = "Subject: x\r\nFrom: y\r\n\r\nl1\r\n.l2\r\nl3\r\n";
        assertThat(write(m, 0)).isEqualTo("Subject: x\r\nFrom: y\r\n\r\n.\r\n");
        assertThat(write(m, 2)).isEqualTo("Subject: x\r\nFrom: y\r\n\r\nl1\r\n..l2\r\n.\r\n");
        assertThat(write(m, 99)).isEqualTo(write(m, -1)).endsWith("..l2\r\nl3\r\n.\r\n");
    }

    @Test
    void topOfAMessageWithoutBodySendsTheHeader() throws IOException {
        assertThat(write("Subject: x\r\n", 3)).isEqualTo("Subject: x\r\n.\r\n");
    }

    @Test
    void generatedLinesAreStuffed() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffingWriter w = new DotStuffingWriter(out::write);
        w.line("1 200");
        w.line(".odd");
        w.finish();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("1 200\r\n..odd\r\n.\r\n");
    }
}
