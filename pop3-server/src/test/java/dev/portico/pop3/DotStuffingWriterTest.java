package dev.portico.pop3;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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

    /**
     * The rules one byte at a time, as the writer applied them before it copied runs: what the
     * run-copying writer must still send, whatever the line ends and the read boundaries.
     */
    private static byte[] reference(byte[] m, long maxBodyLines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true, previousCr = false, inHeader = true;
        long bodyLines = 0;
        int lineLength = 0;
        for (byte x : m) {
            if (lineStart) {
                if (maxBodyLines >= 0 && !inHeader && bodyLines >= maxBodyLines) return terminate(out, true, false);
                if (x == '.') out.write('.');
            }
            if (x == '\n') {
                if (!previousCr) out.write('\r');
                out.write('\n');
                if (inHeader) {
                    if (lineLength == 0) inHeader = false;
                } else {
                    bodyLines++;
                }
                lineStart = true;
                previousCr = false;
                lineLength = 0;
                continue;
            }
            out.write(x);
            lineStart = false;
            previousCr = x == '\r';
            if (!previousCr) lineLength++;
        }
        return terminate(out, lineStart, previousCr);
    }

    private static byte[] terminate(ByteArrayOutputStream out, boolean lineStart, boolean previousCr) {
        if (!lineStart) {
            if (!previousCr) out.write('\r');
            out.write('\n');
        }
        out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** A stream that hands out at most {@code step} bytes a read, so lines and CR LF pairs straddle reads. */
    private static InputStream trickle(byte[] b, int step) {
        return new FilterInputStream(new ByteArrayInputStream(b)) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, step));
            }
        };
    }

    private static byte[] write(InputStream in, long maxBodyLines, long sizeHint) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffingWriter w = new DotStuffingWriter(out::write);
        w.copy(in, maxBodyLines, sizeHint);
        w.finish();
        return out.toByteArray();
    }

    /** Text made of the awkward bytes: dots, CR, LF, CR LF, blank lines, in random order and lengths. */
    private static byte[] awkward(Random r, int size) {
        byte[] pieces = {'.', '\r', '\n', 'a', ' ', 'b'};
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = pieces[r.nextInt(pieces.length)];
        return b;
    }

    @Test
    void runsAcrossReadBoundariesSendWhatTheByteRulesSend() throws IOException {
        Random r = new Random(42);
        for (int round = 0; round < 300; round++) {
            byte[] m = round % 3 == 0 ? awkward(r, r.nextInt(200)) : awkward(r, r.nextInt(40_000));
            long top = round % 4 == 0 ? r.nextInt(5) : -1;
            byte[] expected = reference(m, top);
            for (int step : new int[]{1, 2, 3, 7, 16 * 1024, Integer.MAX_VALUE}) {
                assertThat(write(trickle(m, step), top, r.nextBoolean() ? m.length : 0))
                        .as("round %d, reads of %d, top %d", round, step, top).isEqualTo(expected);
            }
        }
    }

    @Test
    void bareLfMessagesLargerThanTheBufferComeOutWhole() throws IOException {
        StringBuilder b = new StringBuilder("Subject: big\n\n");
        for (int i = 0; b.length() < 300_000; i++) b.append(i % 10 == 0 ? "." : "").append("line ").append(i).append('\n');
        byte[] m = b.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] expected = reference(m, -1);
        assertThat(write(new ByteArrayInputStream(m), -1, m.length)).isEqualTo(expected);
        assertThat(new String(expected, StandardCharsets.US_ASCII)).contains("\r\n..line 10\r\n").doesNotContain("0\n");
    }

    @Test
    void aResponseThatFitsTheBufferIsOneWriteAndALongOneIsBoundedPieces() throws IOException {
        List<Integer> writes = new ArrayList<>();
        DotStuffingWriter w = new DotStuffingWriter((b, off, len) -> writes.add(len));
        byte[] m = "Subject: x\n\nbody\n".repeat(500).getBytes(StandardCharsets.US_ASCII);   // 9 KiB
        w.status("+OK " + m.length + " octets");
        w.copy(new ByteArrayInputStream(m), -1, m.length);
        w.finish();
        assertThat(writes).hasSize(1);
        writes.clear();
        byte[] big = "x".repeat(70).concat("\n").repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        w.status("+OK");
        w.copy(new ByteArrayInputStream(big), -1, big.length);
        w.finish();
        assertThat(writes).hasSizeGreaterThan(1).allSatisfy(len -> assertThat(len).isLessThanOrEqualTo(DotStuffingWriter.MAX));
        assertThat(writes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(big.length + 10_000 + "+OK\r\n.\r\n".length());
    }
}
