package dev.portico.http;

import java.time.Duration;
import java.util.Locale;

/** Durations as the configuration writes them: {@code 500ms}, {@code 5s}, {@code 2m}; a bare number is seconds. */
final class Durations {

    private Durations() {}

    static Duration parse(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && i < 9 && Character.isDigit(s.charAt(i))) i++;
        if (i == 0) throw new IllegalArgumentException(v);
        long n = Long.parseLong(s.substring(0, i));
        return switch (s.substring(i)) {
            case "", "s" -> Duration.ofSeconds(n);
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> throw new IllegalArgumentException(v);
        };
    }
}
