package dev.portico.core;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Configuration as flat keys ({@code ftp.port}, {@code smtp.max-message-size}): the one way to
 * configure Portico, from the properties file, {@code --set}, the launcher's flags, or an
 * embedding test. Each server reads its keys once into a config record ({@code FtpConfig.from})
 * with typed getters that name the key in every error. Every key a reader asks for is remembered,
 * so that {@link #requireAllKnown()} can refuse a misspelled key instead of silently ignoring it.
 */
public final class Settings {

    private final Map<String, String> values;
    /** Keys asked for by any reader, shared with the copies {@code with} makes. */
    private final Set<String> asked;

    private Settings(Map<String, String> values, Set<String> asked) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        this.asked = asked;
    }

    private Settings(Map<String, String> values) {
        this(values, ConcurrentHashMap.newKeySet());
    }

    public static Settings empty() {
        return new Settings(Map.of());
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** Settings from alternating keys and values: {@code Settings.of("ftp.port", "0", "ftp.anonymous", "true")}. */
    public static Settings of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("keys and values must pair up");
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put(keysAndValues[i], keysAndValues[i + 1]);
        return new Settings(m);
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
        return new Settings(m, asked);
    }

    /** A copy where every key of {@code overrides} wins. */
    public Settings with(Settings overrides) {
        Map<String, String> m = new HashMap<>(values);
        m.putAll(overrides.values);
        return new Settings(m, asked);
    }

    public boolean has(String key) {
        return get(key) != null;
    }

    private String get(String key) {
        asked.add(key);
        return values.get(key);
    }

    /**
     * Refuses a key that no reader has asked for: a misspelling or a key of another version,
     * which would otherwise be ignored without a word. Call it once every config record is read.
     *
     * @throws ConfigException naming the first unknown key and the known key nearest to it
     */
    public void requireAllKnown() {
        for (String key : values.keySet()) {
            if (asked.contains(key)) continue;
            String nearest = null;
            int best = Integer.MAX_VALUE;
            for (String known : new TreeSet<>(asked)) {
                int d = distance(key, known);
                if (d < best) {
                    best = d;
                    nearest = known;
                }
            }
            boolean close = nearest != null && best <= Math.max(2, key.length() / 3);
            throw new ConfigException(key, "unknown configuration key" + (close ? "; did you mean " + nearest + "?" : ""));
        }
    }

    /** Levenshtein distance: edits that turn {@code a} into {@code b}. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int swap = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(swap, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    public String string(String key, String def) {
        String v = get(key);
        return v == null || v.isEmpty() ? def : v;
    }

    public int integer(String key, int def) {
        String v = get(key);
        if (v == null || v.isEmpty()) return def;
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "not a whole number: " + v);
        }
    }

    /** Sizes accept K, M and G suffixes (powers of 1024): {@code 25M}. */
    public long size(String key, long def) {
        String v = get(key);
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
        String v = get(key);
        if (v == null || v.isEmpty()) return def;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key, "not true or false: " + v);
        };
    }

    /** Durations: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}; a bare number is seconds. */
    public Duration duration(String key, Duration def) {
        String v = get(key);
        if (v == null || v.isEmpty()) return def;
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "not a duration: " + v + " (use 500ms, 30s, 10m, 2h)");
        }
    }

    /**
     * Parses a duration as configuration writes it ({@code 500ms}, {@code 30s}, {@code 10m},
     * {@code 2h}, {@code 1d}; a bare number is seconds), also for values clients send (the HTTP
     * API's {@code timeout}).
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && i < 18 && Character.isDigit(s.charAt(i))) i++;
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

    /**
     * A port: a number 0-65535 (0 picks a free one), or {@code off}, which gives an empty result:
     * every listener of Portico says "off" this way.
     *
     * @param def the default, empty for a listener that is off unless configured
     */
    public OptionalInt port(String key, OptionalInt def) {
        String v = get(key);
        if (v == null || v.isEmpty()) return def;
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

    /** A host name or address literal, resolved once ({@code bind}, {@code ftp.passive.address}). */
    public InetAddress address(String key, InetAddress def) {
        String v = get(key);
        if (v == null || v.isBlank()) return def;
        try {
            return InetAddress.getByName(v.trim());
        } catch (UnknownHostException e) {
            throw new ConfigException(key, "unknown host or address: " + v);
        }
    }

    /** One constant of an enum, named in any case with {@code -} for {@code _}: {@code smtp.delivery=discard}. */
    public <E extends Enum<E>> E choice(String key, Class<E> type, E def) {
        String v = get(key);
        if (v == null || v.isBlank()) return def;
        try {
            return Enum.valueOf(type, v.trim().replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "unknown value " + v + ", use one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    /** A comma-separated list, blanks dropped. */
    public List<String> list(String key, List<String> def) {
        String v = get(key);
        if (v == null || v.isBlank()) return def;
        return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
}
