package dev.portico.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of one subcommand: {@code --key value} pairs; {@code --tag k=v} may repeat and is
 * copied verbatim onto every result line (run.sh tags each line with server and round).
 */
final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> tags = new ArrayList<>();

    Args(String[] argv, int from) {
        for (int i = from; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --key value, got: " + a);
            }
            String key = a.substring(2);
            String value = argv[++i];
            if (key.equals("tag")) {
                tags.add(value);
            } else {
                values.put(key, value);
            }
        }
    }

    List<String> tags() {
        return tags;
    }

    String string(String key, String def) {
        return values.getOrDefault(key, def);
    }

    String required(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }

    int integer(String key, int def) {
        String v = values.get(key);
        return v == null ? def : Integer.parseInt(v.replace("_", ""));
    }

    long size(String key, long def) {
        String v = values.get(key);
        return v == null ? def : parseSize(v);
    }

    /** Parses 4096, 4k, 64m, 1g (binary units). */
    static long parseSize(String v) {
        String s = v.trim().toLowerCase();
        long mul = 1;
        char last = s.charAt(s.length() - 1);
        switch (last) {
            case 'k' -> mul = 1L << 10;
            case 'm' -> mul = 1L << 20;
            case 'g' -> mul = 1L << 30;
            default -> { }
        }
        if (mul != 1) {
            s = s.substring(0, s.length() - 1);
        }
        return Long.parseLong(s) * mul;
    }

    double seconds(String key, double def) {
        String v = values.get(key);
        return v == null ? def : Double.parseDouble(v);
    }

    /** Server process id for CPU and memory figures, or 0 when not given. */
    long pid() {
        return Long.parseLong(values.getOrDefault("pid", "0"));
    }
}
