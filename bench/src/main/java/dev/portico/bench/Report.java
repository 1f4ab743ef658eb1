package dev.portico.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code result ...} lines of a run and prints one table per workload: per server the median,
 * min–max and each round's value, and for every Portico variant (server names starting with "portico") the
 * ratio Portico/server round by round (rounds are paired by their {@code round} tag), with their median.
 */
final class Report {
    private static final List<String> EXTRAS = List.of("accepted_per_s", "p50_ms", "p99_ms", "failures", "server_cpu_ms", "gen_cpu_ms",
            "server_cpu_pct", "rss_kib_per_session", "sessions", "rss_mib", "fresh_ms", "processes", "idle_alive",
            "select_ms", "first_ms", "hits", "messages", "msg_per_s", "elapsed_ms", "mb", "mb_per_s", "ms_per_1000");

    private Report() {
    }

    record Row(String server, String round, double value, Map<String, String> fields) {
    }

    static void run(Args a) throws IOException {
        Path file = Path.of(a.required("file"));
        Map<String, List<Row>> byWorkload = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.startsWith("result ")) {
                continue;
            }
            Map<String, String> f = new LinkedHashMap<>();
            for (String kv : line.substring(7).trim().split("\\s+")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    f.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            String w = f.getOrDefault("workload", "?");
            units.putIfAbsent(w, f.getOrDefault("unit", ""));
            byWorkload.computeIfAbsent(w, k -> new ArrayList<>()).add(new Row(f.getOrDefault("server", "?"),
                    f.getOrDefault("round", "1"), parse(f.get("value")), f));
        }
        StringBuilder out = new StringBuilder();
        for (var e : byWorkload.entrySet()) {
            table(out, e.getKey(), units.get(e.getKey()), e.getValue());
        }
        Scaling.print(byWorkload, out);
        Goals.print(byWorkload, out);
        System.out.print(out);
    }

    private static void table(StringBuilder out, String workload, String unit, List<Row> rows) {
        Map<String, List<Row>> byServer = new LinkedHashMap<>();
        for (Row r : rows) {
            byServer.computeIfAbsent(r.server(), k -> new ArrayList<>()).add(r);
        }
        List<String> porticos = byServer.keySet().stream().filter(s -> s.startsWith("portico")).toList();
        Set<String> extras = new LinkedHashSet<>();
        for (String x : EXTRAS) {
            if (rows.stream().anyMatch(r -> r.fields().containsKey(x))) {
                extras.add(x);
            }
        }
        boolean lowerBetter = unit.startsWith("KiB") || unit.equals("ms");
        out.append("\n== ").append(workload).append("  (").append(unit).append(lowerBetter ? ", lower is better" : ", higher is better")
           .append("; medians over rounds)\n");
        List<List<String>> cells = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("server", "median", "min-max", "rounds"));
        for (String p : porticos) {
            head.add(p + "/server per round (median)");
        }
        head.addAll(extras);
        cells.add(head);
        List<String> notes = new ArrayList<>();
        for (var e : byServer.entrySet()) {
            List<Row> rs = e.getValue();
            double[] v = rs.stream().mapToDouble(Row::value).filter(d -> !Double.isNaN(d)).toArray();
            List<String> c = new ArrayList<>();
            c.add(e.getKey());
            c.add(v.length == 0 ? "-" : Result.fmt(Stats.median(v)));
            c.add(v.length == 0 ? "-" : Result.fmt(Stats.percentile(v, 0.0001)) + "-" + Result.fmt(Stats.percentile(v, 100)));
            c.add(String.join(" ", rs.stream().map(r -> Double.isNaN(r.value()) ? "fail" : Result.fmt(r.value())).toList()));
            for (String p : porticos) {
                List<Double> ratios = new ArrayList<>();
                for (Row r : rs) {
                    byServer.get(p).stream().filter(x -> x.round().equals(r.round())).findFirst()
                            .ifPresent(x -> ratios.add(x.value() / r.value()));
                }
                double[] rv = ratios.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d) && !Double.isInfinite(d)).toArray();
                // Portico variants are not compared with each other: the ratios are Portico against its peers.
                c.add(e.getKey().startsWith("portico") ? "" : rv.length == 0 ? "-" : String.join(" ",
                        ratios.stream().map(Result::fmt).toList()) + " (" + Result.fmt(Stats.median(rv)) + ")");
            }
            for (String x : extras) {
                if (x.equals("failures")) {
                    c.add(String.valueOf(rs.stream().mapToDouble(r -> parse(r.fields().getOrDefault(x, "0"))).sum())
                            .replace(".0", ""));
                } else if (x.equals("idle_alive")) {
                    c.add(rs.stream().map(r -> r.fields().getOrDefault(x, "-")).reduce((p, q) -> p + " " + q).orElse("-"));
                } else {
                    double[] xv = rs.stream().mapToDouble(r -> parse(r.fields().get(x))).filter(d -> !Double.isNaN(d)).toArray();
                    c.add(xv.length == 0 ? "-" : Result.fmt(Stats.median(xv)));
                }
            }
            cells.add(c);
            rs.stream().filter(r -> r.fields().containsKey("error")).findFirst()
                    .ifPresent(r -> notes.add("  " + e.getKey() + " round " + r.round() + ": " + r.fields().get("error")));
        }
        print(out, cells);
        if (porticos.isEmpty()) {
            out.append("  (no Portico figures in this run: no ratios)\n");
        }
        for (String n : notes) {
            out.append(n).append('\n');
        }
    }

    /** Cells as aligned columns, the first row the header. */
    static void print(StringBuilder out, List<List<String>> cells) {
        int[] width = new int[cells.stream().mapToInt(List::size).max().orElse(0)];
        for (List<String> row : cells) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : cells) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                sb.append(String.format(Locale.ROOT, "%-" + (width[i] + 2) + "s", row.get(i)));
            }
            out.append(sb.toString().stripTrailing()).append('\n');
        }
    }

    private static double parse(String s) {
        if (s == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
