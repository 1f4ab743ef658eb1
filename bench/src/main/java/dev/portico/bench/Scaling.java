package dev.portico.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How each server's cost grows with the work (issue 16): one table per family, a row per server, a column per
 * size with the family's figure, then the cost per unit of work at each size, then the exponent of the cost
 * between the two largest sizes measured: the cost C(n) = unit cost u(n) × n, exponent = log(C2/C1) / log(n2/n1),
 * so 1 is linear (a flat unit cost), above {@value #SUPER} super-linear. Small sizes are left out of the
 * exponent because their fixed cost (a PASV, a MAIL/RCPT round trip) makes any server look sub-linear there.
 * Medians over rounds, as in the per-workload tables.
 */
final class Scaling {
    /** Exponent above which the growth is called super-linear (a unit cost 1.5x at 10x the work is 1.18). */
    static final double SUPER = 1.2;

    private Scaling() {
    }

    /**
     * A family of workloads {@code prefix + size}: what its value is, how its unit cost follows from the value
     * (and the server's rows), and how its size suffix reads as a number of units.
     */
    private record Family(String title, String prefix, String valueHead, String costHead, String unitOfWork,
                          SizeFn size, CostFn cost, ExtraFn extra, String extraHead) {
    }

    @FunctionalInterface
    private interface SizeFn {
        double parse(String suffix);
    }

    @FunctionalInterface
    private interface CostFn {
        /** Cost per unit of work at {@code n} units, from the median value and the server's rows (NaN: none). */
        double unit(double n, double value, List<Report.Row> rows);
    }

    @FunctionalInterface
    private interface ExtraFn {
        double of(double n, double value);
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("FTP LIST of a directory of N entries", "ftp-list-", "ms per LIST", "ms per 1,000 entries",
                    "entries", Double::parseDouble, (n, v, rows) -> v / n * 1000, null, null),
            new Family("SMTP messages of size N, one session (or a few)", "smtp-scale-", "msg/s", "ms per MB",
                    "bytes", s -> Args.parseSize(s.replace("b", "")), (n, v, rows) -> 1000 / v / (n / 1e6),
                    (n, v) -> v * n / 1e6, "MB/s"),
            new Family("FTP sessions at N concurrent clients", "ftp-sessions-c", "sessions/s",
                    "server CPU ms per session", "clients", Double::parseDouble,
                    (n, v, rows) -> medianOf(rows, "server_cpu_ms"), null, null));

    static void print(Map<String, List<Report.Row>> byWorkload, StringBuilder out) {
        for (Family f : FAMILIES) {
            TreeMap<Double, String> sizes = new TreeMap<>();
            for (String w : byWorkload.keySet()) {
                if (w.startsWith(f.prefix())) {
                    try {
                        sizes.put(f.size().parse(w.substring(f.prefix().length())), w);
                    } catch (RuntimeException e) {
                        // not a size: another workload with the same prefix
                    }
                }
            }
            if (sizes.size() >= 2) {
                table(out, f, sizes, byWorkload);
            }
        }
    }

    private static void table(StringBuilder out, Family f, TreeMap<Double, String> sizes,
                              Map<String, List<Report.Row>> byWorkload) {
        out.append("\n== scaling: ").append(f.title()).append(" (column N: ").append(f.valueHead());
        if (f.extraHead() != null) {
            out.append("; ").append(f.extraHead()).append("@N");
        }
        out.append("; cost@N: ").append(f.costHead()).append("; exponent of the cost between the two largest sizes,"
                + " above ").append(SUPER).append(" super-linear; medians over rounds)\n");
        Set<String> servers = new LinkedHashSet<>();
        sizes.values().forEach(w -> byWorkload.get(w).forEach(r -> servers.add(r.server())));
        List<String> labels = sizes.values().stream().map(w -> w.substring(f.prefix().length())).toList();
        List<List<String>> cells = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("server"));
        head.addAll(labels);
        if (f.extraHead() != null) {
            labels.forEach(l -> head.add(f.extraHead() + "@" + l));
        }
        labels.forEach(l -> head.add("cost@" + l));
        head.add("exponent");
        head.add("growth");
        cells.add(head);
        List<String> superLinear = new ArrayList<>();
        for (String s : servers) {
            List<String> c = new ArrayList<>(List.of(s));
            List<String> extra = new ArrayList<>();
            List<String> cost = new ArrayList<>();
            List<double[]> known = new ArrayList<>(); // {n, unit cost}
            for (var e : sizes.entrySet()) {
                List<Report.Row> rows = byWorkload.get(e.getValue()).stream().filter(r -> r.server().equals(s)).toList();
                double v = medianOf(rows);
                double n = e.getKey();
                c.add(Double.isNaN(v) ? "-" : Result.fmt(v));
                if (f.extra() != null) {
                    extra.add(Double.isNaN(v) ? "-" : Result.fmt(f.extra().of(n, v)));
                }
                double u = Double.isNaN(v) ? Double.NaN : f.cost().unit(n, v, rows);
                cost.add(Double.isNaN(u) || Double.isInfinite(u) ? "-" : Result.fmt(u));
                if (!Double.isNaN(u) && !Double.isInfinite(u) && u > 0) {
                    known.add(new double[] {n, u});
                }
            }
            c.addAll(extra);
            c.addAll(cost);
            if (known.size() >= 2) {
                double[] a = known.get(known.size() - 2);
                double[] b = known.get(known.size() - 1);
                double x = exponent(a[0], a[1], b[0], b[1]);
                c.add(String.format(Locale.ROOT, "%.2f", x));
                c.add(x > SUPER ? "SUPER-LINEAR" : "linear or better");
                if (x > SUPER) {
                    superLinear.add(String.format(Locale.ROOT, "%s (%.2f from %s to %s %s)", s, x, label(a[0]),
                            label(b[0]), f.unitOfWork()));
                }
            } else {
                c.add("-");
                c.add("-");
            }
            cells.add(c);
        }
        Report.print(out, cells);
        out.append("  super-linear: ").append(superLinear.isEmpty() ? "none" : String.join("; ", superLinear)).append('\n');
    }

    /** Exponent of the cost C = u·n between two sizes: 1 + log(u2/u1) / log(n2/n1). */
    static double exponent(double n1, double u1, double n2, double u2) {
        return 1 + Math.log(u2 / u1) / Math.log(n2 / n1);
    }

    private static String label(double n) {
        return n == Math.rint(n) ? String.valueOf((long) n) : Result.fmt(n);
    }

    private static double medianOf(List<Report.Row> rows) {
        double[] v = rows.stream().mapToDouble(Report.Row::value).filter(d -> !Double.isNaN(d)).toArray();
        return Stats.median(v);
    }

    private static double medianOf(List<Report.Row> rows, String key) {
        double[] v = rows.stream().map(r -> r.fields().get(key)).filter(x -> x != null).mapToDouble(x -> {
            try {
                return Double.parseDouble(x);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }).filter(d -> !Double.isNaN(d)).toArray();
        return Stats.median(v);
    }
}
