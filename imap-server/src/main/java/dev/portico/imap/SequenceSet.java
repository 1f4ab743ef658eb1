package dev.portico.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * A sequence set (RFC 9051 9 {@code sequence-set}): ranges of message numbers or UIDs, {@code *}
 * for the largest in use, {@code $} for the result a {@code SEARCH RETURN (SAVE)} kept (RFC 5182).
 * Parsed once; {@link #contains} answers against the mailbox's largest number.
 */
record SequenceSet(List<long[]> ranges, boolean saved) {

    /** {@code *}: stands for the largest number in use, whatever it is when the set is applied. */
    static final long STAR = Long.MAX_VALUE;

    static final SequenceSet SAVED = new SequenceSet(List.of(), true);

    static SequenceSet parse(String s) {
        if (s.equals("$")) return SAVED;
        if (s.isEmpty()) throw new IllegalArgumentException("empty sequence set");
        List<long[]> ranges = new ArrayList<>();
        for (String part : s.split(",", -1)) {
            int colon = part.indexOf(':');
            long a = number(colon < 0 ? part : part.substring(0, colon));
            long b = colon < 0 ? a : number(part.substring(colon + 1));
            ranges.add(new long[] {Math.min(a, b), Math.max(a, b)});
        }
        return new SequenceSet(List.copyOf(ranges), false);
    }

    private static long number(String s) {
        if (s.equals("*")) return STAR;
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("bad number in sequence set: " + s);
        }
        long n = Long.parseLong(s);
        if (n < 1 || n > 0xffffffffL) throw new IllegalArgumentException("out of range: " + s);
        return n;
    }

    /** Whether {@code n} is in the set, {@code *} being {@code largest} (0 for an empty mailbox). */
    boolean contains(long n, long largest) {
        for (long[] r : ranges) {
            long lo = r[0] == STAR ? largest : r[0];
            long hi = r[1] == STAR ? largest : r[1];
            if (lo > hi) { long t = lo; lo = hi; hi = t; }
            if (n >= lo && n <= hi) return true;
        }
        return false;
    }

    /**
     * The set as ascending, disjoint ranges {@code [lo, hi]}, {@code *} being {@code largest}: what
     * {@link #contains} answers true for, so a caller walks those ranges in an ordered list instead
     * of asking about every number in it.
     */
    List<long[]> spans(long largest) {
        List<long[]> sorted = new ArrayList<>(ranges.size());
        for (long[] r : ranges) {
            long lo = r[0] == STAR ? largest : r[0];
            long hi = r[1] == STAR ? largest : r[1];
            sorted.add(lo <= hi ? new long[] {lo, hi} : new long[] {hi, lo});
        }
        sorted.sort((x, y) -> Long.compare(x[0], y[0]));
        List<long[]> out = new ArrayList<>(sorted.size());
        for (long[] r : sorted) {
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
            else out.add(r);
        }
        return out;
    }

    /** Whether every number of the set is at most {@code largest} ({@code *} counts as largest). */
    boolean within(long largest) {
        for (long[] r : ranges) {
            if (r[1] != STAR && r[1] > largest) return false;
            if (r[0] != STAR && r[0] > largest) return false;
        }
        return true;
    }

    /** The set written back compactly, for COPYUID and ESEARCH ({@code 1:3,7}). */
    static String format(List<Long> sorted) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            long start = sorted.get(i);
            long end = start;
            while (i + 1 < sorted.size() && sorted.get(i + 1) == end + 1) end = sorted.get(++i);
            if (!b.isEmpty()) b.append(',');
            b.append(start);
            if (end != start) b.append(':').append(end);
            i++;
        }
        return b.toString();
    }
}
