package dev.portico.core;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The eight-at-a-time scans give what a loop over each byte gives, at every offset and length. */
class ByteScanTest {

    @Test
    void agreesWithAPlainLoopOnRandomText() {
        Random r = new Random(16);
        // Few distinct values, so CR, LF and their neighbours (0x0c, 0x0e, 0x8d, 0xff...) meet often.
        byte[] alphabet = {'\r', '\n', 'a', 0, (byte) 0x80, (byte) 0x8a, (byte) 0x8d, (byte) 0xff, 0x0c, 0x0e, 0x09, 0x0b};
        for (int round = 0; round < 2000; round++) {
            byte[] a = new byte[r.nextInt(40)];
            int density = 1 + r.nextInt(30);
            for (int i = 0; i < a.length; i++) a[i] = r.nextInt(density) == 0 ? alphabet[r.nextInt(alphabet.length)] : (byte) 'x';
            int from = a.length == 0 ? 0 : r.nextInt(a.length + 1);
            int to = from + r.nextInt(a.length - from + 1);
            int before = r.nextBoolean() ? -1 : '\r';
            for (byte b : alphabet) assertThat(ByteScan.indexOf(a, from, to, b)).isEqualTo(plainIndexOf(a, from, to, b));
            assertThat(ByteScan.lineEnd(a, from, to)).isEqualTo(plainLineEnd(a, from, to));
            assertThat(ByteScan.bareLineFeeds(a, from, to, before)).isEqualTo(plainBareLineFeeds(a, from, to, before));
        }
    }

    @Test
    void findsTheFirstOfSeveralInOneWord() {
        byte[] a = "abc\n\r\nxyz\r".getBytes();
        assertThat(ByteScan.indexOf(a, 0, a.length, (byte) '\n')).isEqualTo(3);
        assertThat(ByteScan.lineEnd(a, 0, a.length)).isEqualTo(3);
        assertThat(ByteScan.lineEnd(a, 6, a.length)).isEqualTo(9);
        assertThat(ByteScan.lineEnd(a, 6, 9)).isEqualTo(9);
        assertThat(ByteScan.bareLineFeeds(a, 0, a.length, -1)).isEqualTo(1);
        assertThat(ByteScan.bareLineFeeds(a, 4, a.length, '\n')).isEqualTo(0);
    }

    private static int plainIndexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) if (a[i] == b) return i;
        return -1;
    }

    private static int plainLineEnd(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) if (a[i] == '\r' || a[i] == '\n') return i;
        return to;
    }

    private static int plainBareLineFeeds(byte[] a, int from, int to, int before) {
        int n = 0;
        for (int i = from; i < to; i++) {
            int prev = i > from ? a[i - 1] & 0xff : before;
            if (a[i] == '\n' && prev != '\r') n++;
        }
        return n;
    }
}
