package dev.portico.smtp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the DATA reader ({@link SmtpDataStream}) against a reference written from RFC 5321
 * §4.1.1.4 and §4.5.2 in the plainest way: the text ends at the first CR LF "." CR LF (or at a
 * "." CR LF that opens it), and a dot that starts a line (after CR LF, never after a bare CR or
 * LF) is removed. Properties: the stream yields exactly the reference text, whatever read sizes
 * the caller uses and however the bytes arrive (all available at once, or one packet at a time);
 * it consumes not one byte after the end marker (those belong to the next pipelined command); a
 * connection that closes before the marker is an {@link EOFException}, nothing else.
 */
class SmtpDataStreamFuzzTest {

    private static final byte[] END = {'\r', '\n', '.', '\r', '\n'};

    @FuzzTest
    void dataTextEndsOnlyOnCrLfDotCrLf(FuzzedDataProvider data) throws IOException {
        int readSize = data.consumeInt(1, 40);
        boolean trickle = data.consumeBoolean();
        byte[] wire = data.consumeRemainingAsBytes();

        Counting raw = new Counting(wire, trickle);
        SmtpDataStream stream = new SmtpDataStream(raw);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean eof = false;
        try {
            byte[] buf = new byte[readSize];
            for (int i = 0; i <= wire.length + 1; i++) {
                int n = readSize == 1 ? single(stream, buf) : stream.read(buf, 0, readSize);
                if (n < 0) break;
                assertThat(n).isPositive().isLessThanOrEqualTo(readSize);
                got.write(buf, 0, n);
            }
        } catch (EOFException e) {
            eof = true;
        }

        int consumed = endOfText(wire);
        if (consumed < 0) {
            assertThat(eof).as("no end marker: the connection closing is an EOFException").isTrue();
            return;
        }
        assertThat(eof).as("an end marker at %d", consumed).isFalse();
        assertThat(stream.ended()).isTrue();
        assertThat(stream.read()).as("after the end").isEqualTo(-1);
        assertThat(raw.position).as("bytes consumed from the connection").isEqualTo(consumed);
        int textEnd = consumed == 3 && startsWithDotCrLf(wire) ? 0 : consumed - 3;
        assertThat(got.toByteArray()).isEqualTo(unstuff(Arrays.copyOf(wire, textEnd)));
    }

    /**
     * The in-place decoding a connection's buffer gets ({@link SmtpDataStream#decode}, which
     * {@code transferTo} lends each read's bytes to), with the wire split into reads at random
     * places: the same text, and not one byte consumed after the end marker.
     */
    @FuzzTest
    void decodedInPlaceWhereverTheReadsSplitTheWire(FuzzedDataProvider data) throws IOException {
        Random splits = new Random(data.consumeLong());
        byte[] wire = data.consumeRemainingAsBytes();

        SmtpDataStream stream = new SmtpDataStream(InputStream.nullInputStream());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int pos = 0;
        while (!stream.ended() && pos < wire.length) {
            int len = Math.min(wire.length - pos, splits.nextInt(4) == 0 ? 1 + splits.nextInt(3) : 1 + splits.nextInt(200));
            int k = stream.decode(wire, pos, len, got::write);
            assertThat(k).as("consumed of %d", len).isBetween(0, len);
            if (k < len) assertThat(stream.ended()).as("stopped early only at the end").isTrue();
            pos += k;
        }

        int consumed = endOfText(wire);
        if (consumed < 0) {
            assertThat(stream.ended()).as("no end marker").isFalse();
            return;
        }
        assertThat(stream.ended()).isTrue();
        assertThat(pos).as("bytes consumed").isEqualTo(consumed);
        int textEnd = consumed == 3 && startsWithDotCrLf(wire) ? 0 : consumed - 3;
        assertThat(got.toByteArray()).isEqualTo(unstuff(Arrays.copyOf(wire, textEnd)));
    }

    private static int single(InputStream in, byte[] buf) throws IOException {
        int b = in.read();
        if (b < 0) return -1;
        buf[0] = (byte) b;
        return 1;
    }

    /** Octets up to and including the end marker, or -1 when there is none. */
    static int endOfText(byte[] wire) {
        if (startsWithDotCrLf(wire)) return 3;
        for (int i = 0; i + END.length <= wire.length; i++) {
            if (Arrays.equals(wire, i, i + END.length, END, 0, END.length)) return i + END.length;
        }
        return -1;
    }

    private static boolean startsWithDotCrLf(byte[] wire) {
        return wire.length >= 3 && wire[0] == '.' && wire[1] == '\r' && wire[2] == '\n';
    }

    /** Removes the dot at the start of each line; a line starts at 0 and after CR LF. */
    static byte[] unstuff(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length; i++) {
            boolean lineStart = i == 0 || (i >= 2 && text[i - 1] == '\n' && text[i - 2] == '\r');
            if (lineStart && text[i] == '.') continue;
            out.write(text[i]);
        }
        return out.toByteArray();
    }

    /** The connection: counts what was read, and may say nothing is available (bytes arriving one by one). */
    static final class Counting extends InputStream {
        final byte[] bytes;
        final boolean trickle;
        int position;

        Counting(byte[] bytes, boolean trickle) {
            this.bytes = bytes;
            this.trickle = trickle;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int available() {
            return trickle ? 0 : bytes.length - position;
        }
    }
}
