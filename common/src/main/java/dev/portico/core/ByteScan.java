package dev.portico.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finding line ends in byte arrays eight bytes at a time (SWAR: "SIMD within a register"). Mail
 * text passes through several such scans between socket and disk (the end of DATA, bare CR and LF,
 * the size with CR LF line ends); a loop per byte was the largest share of those paths' CPU.
 * The JDK's vectorised {@code indexOf} is internal to {@code java.base}, and the Vector API is an
 * incubator module, so this is plain Java: one unaligned 64-bit load per eight bytes, which the
 * JIT compiles to a single instruction.
 */
public final class ByteScan {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long CRS = '\r' * ONES;
    private static final long LFS = '\n' * ONES;

    private ByteScan() {}

    /**
     * The high bit of each byte of {@code x} that is zero. Only the lowest flagged byte is certain
     * (a borrow may flag bytes above it), and the lowest is all the callers use; little-endian
     * loads make it the first of the eight in memory.
     */
    private static long zeros(long x) {
        return (x - ONES) & ~x & HIGHS;
    }

    /** The index of the first {@code b} in {@code a[from, to)}, or -1. */
    public static int indexOf(byte[] a, int from, int to, byte b) {
        long pattern = (b & 0xffL) * ONES;
        int i = from;
        for (; i <= to - 8; i += 8) {
            long hit = zeros((long) LONGS.get(a, i) ^ pattern);
            if (hit != 0) return i + (Long.numberOfTrailingZeros(hit) >>> 3);
        }
        for (; i < to; i++) if (a[i] == b) return i;
        return -1;
    }

    /** The index of the first CR or LF in {@code a[from, to)}, or {@code to} when there is none. */
    public static int lineEnd(byte[] a, int from, int to) {
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = (long) LONGS.get(a, i);
            long hit = zeros(x ^ CRS) | zeros(x ^ LFS);
            if (hit != 0) return i + (Long.numberOfTrailingZeros(hit) >>> 3);
        }
        for (; i < to; i++) if (a[i] == '\r' || a[i] == '\n') return i;
        return to;
    }

    /** How many LF in {@code a[from, to)} do not follow a CR; {@code before} is the byte before {@code from}, or -1. */
    public static int bareLineFeeds(byte[] a, int from, int to, int before) {
        int bare = 0;
        int i = from;
        while ((i = indexOf(a, i, to, (byte) '\n')) >= 0) {
            int prev = i > from ? a[i - 1] & 0xff : before;
            if (prev != '\r') bare++;
            i++;
        }
        return bare;
    }
}
