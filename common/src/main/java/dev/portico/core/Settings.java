package dev.portico.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Configuration as flat keys ({@code ftp.port}, {@code smtp.max-message-size}) read from one
 * properties file and overridden by flags. Typed getters name the key in every error.
 */
public final class Settings {

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static Settings empty() {
        return new Settings(Map.of());
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    public static Settings load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k.trim(), p.getProperty(k).trim()));
        return new Settings(m);
    }

    /** A copy with {@code key} set; a null value removes it. */
    public Settings with(String key, String value) {
        Map<String, String> m = new HashMap<>(values);
        if (value == null) m.remove(key); else m.put(key, value);
        return new Settings(m);
    }

    /** A copy where every key of {@code overrides} wins. */
    public Settings with(Settings overrides) {
        Map<String, String> m = new HashMap<>(values);
        m.putAll(overrides.values);
        return new Settings(m);
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String string(String key, String def) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? def : v;
    }

    public int integer(String key, int def) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) return def;
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "not a whole number: " + v);
        }
    }

    /** Sizes accept K, M and G suffixes (powers of 1024): {@code 25M}. */
    public long size(String key, long def) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) return def;
        String s = v.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        char last = s.charAt(s.length() - 1);
        if (last == 'K' || last == 'M' || last == 'G') {
            unit = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(key, "not a size: " + v);
        }
    }

    public boolean bool(String key, boolean def) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) return def;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key, "not true or false: " + v);
        };
    }

    /** Durations: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}; a bare number is seconds. */
    public Duration duration(String key, Duration def) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) return def;
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "not a duration: " + v + " (use 500ms, 30s, 10m, 2h)");
        }
    }

    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i == 0) throw new IllegalArgumentException(v);
        long n = Long.parseLong(s.substring(0, i));
        return switch (s.substring(i)) {
            case "", "s" -> Duration.ofSeconds(n);
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException(v);
        };
    }

    /** A port: a number 0-65535 (0 picks a free one), or {@code off}, which gives an empty result. */
    public OptionalInt port(String key, int def) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) return def < 0 ? OptionalInt.empty() : OptionalInt.of(def);
        if (v.equalsIgnoreCase("off")) return OptionalInt.empty();
        int p;
        try {
            p = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "not a port number or 'off': " + v);
        }
        if (p < 0 || p > 65535) throw new ConfigException(key, "port out of range: " + v);
        return OptionalInt.of(p);
    }

    /** A comma-separated list, blanks dropped. */
    public List<String> list(String key, List<String> def) {
        String v = values.get(key);
        if (v == null || v.isBlank()) return def;
        return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
}
