package dev.portico.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import java.util.Arrays;

/** Command lines cut from fuzz input: raw bytes without CR and LF, so each is one line on the wire. */
public final class FuzzLines {

    private FuzzLines() {}

    public static byte[] line(FuzzedDataProvider data, int max) {
        byte[] b = data.consumeBytes(data.consumeInt(0, max));
        int n = 0;
        for (byte x : b) if (x != '\r' && x != '\n') b[n++] = x;
        return Arrays.copyOf(b, n);
    }

    public static byte[] crlf(byte[] line) {
        byte[] out = Arrays.copyOf(line, line.length + 2);
        out[line.length] = '\r';
        out[line.length + 1] = '\n';
        return out;
    }
}
