package dev.portico.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The goals of issue 7, and of issues 12 and 16 for IMAP and POP3 against Dovecot, checked against one run's
 * results: each line says MET, MISSED or n/a (the run did not measure it, e.g. Portico or a peer was missing)
 * with the figures it was decided on. Ratios are medians of per-round ratios, as in the tables.
 */
final class Goals {
    private final Map<String, List<Report.Row>> byWorkload;
    private final StringBuilder out;

    private Goals(Map<String, List<Report.Row>> byWorkload, StringBuilder out) {
        this.byWorkload = byWorkload;
        this.out = out;
    }

    static void print(Map<String, List<Report.Row>> byWorkload, StringBuilder out) {
        out.append("\n== goals of issue 7 (decided on this run's medians)\n");
        Goals g = new Goals(byWorkload, out);
        g.all();
        if (byWorkload.keySet().stream().anyMatch(w -> w.startsWith("imap-") || w.startsWith("pop3-"))) {
            out.append("\n== goals of issues 12 and 16: IMAP and POP3 at least as fast and as light as Dovecot\n");
            g.mail();
        }
        if (byWorkload.keySet().stream().anyMatch(w -> w.startsWith("relay-"))) {
            out.append("\n== goals of issue 11: relaying at least as fast as Postfix, p99 queue latency < 1 s\n");
            g.relay();
        }
    }

    /**
     * Relay workloads against Postfix as a relay to the same sink: delivered messages/s at least Postfix's, and
     * Portico's p99 from its {@code 250} to the sink's receipt under one second, with nothing lost.
     */
    private void relay() {
        for (String w : workloads("relay-")) {
            // at an offered rate (-rR) both deliver what is offered: there only the latency is the question
            if (!w.matches(".*-r\\d+")) {
                ratioGoal(w + " delivered msg/s >= Postfix", w, "portico-relay", "postfix-relay", 1.0, true);
            }
            Optional<Double> p99 = extra(w, "portico-relay", "p99_ms");
            Optional<Double> f = sum(w, "portico-relay", "failures");
            line(w + " portico-relay p99 250-to-sink < 1 s, none lost",
                    p99.isPresent() && f.isPresent() ? p99.get() < 1000 && f.get() == 0 : null,
                    "p99 " + fmt(p99) + " ms (Postfix " + fmt(extra(w, "postfix-relay", "p99_ms")) + " ms), "
                            + count(f) + " failures");
        }
    }

    /**
     * Every IMAP and POP3 workload against Dovecot in the same run, as a speed ratio (Dovecot's time over
     * Portico's for ms, Portico's rate over Dovecot's for msg/s) or, for idle sessions at the largest level, a
     * memory ratio (Dovecot's KiB per session over Portico's), each at least 1.0.
     */
    private void mail() {
        for (String w : byWorkload.keySet()) {
            if (!w.startsWith("imap-") && !w.startsWith("pop3-") || w.startsWith("imap-capacity-")) {
                continue;
            }
            boolean lower = byWorkload.get(w).stream().map(r -> r.fields().getOrDefault("unit", ""))
                    .anyMatch(u -> u.equals("ms") || u.startsWith("KiB"));
            Optional<Double> r = ratio(w, "portico-imap", "dovecot").map(x -> lower ? 1 / x : x);
            line(w + " >= Dovecot", r.map(x -> x >= 1.0).orElse(null), "speed ratio " + fmt(r) + " ("
                    + fmt(median(w, "portico-imap")) + " vs " + fmt(median(w, "dovecot")) + " "
                    + byWorkload.get(w).get(0).fields().getOrDefault("unit", "") + ")");
        }
        String prefix = "imap-capacity-";
        workloads(prefix).stream().max(Comparator.comparingInt(w -> Integer.parseInt(w.substring(prefix.length()))))
                .ifPresent(w -> {
                    int level = Integer.parseInt(w.substring(prefix.length()));
                    Optional<Double> r = ratio(w, "portico-imap", "dovecot").map(x -> 1 / x);
                    Optional<Double> n = extra(w, "portico-imap", "sessions");
                    line(w + " all held, memory per IDLE session <= Dovecot's",
                            r.isPresent() && n.isPresent() ? r.get() >= 1.0 && n.get() >= level : null,
                            "memory ratio " + fmt(r) + " (" + fmt(median(w, "portico-imap")) + " vs "
                                    + fmt(median(w, "dovecot")) + " KiB/session), " + count(n) + " of " + level
                                    + " sessions open");
                });
    }

    private void all() {
        for (String w : List.of("ftp-retr", "ftp-stor")) {
            ratioGoal(w + " >= vsftpd", w, "portico", "vsftpd", 1.0, true);
        }
        for (String w : workloads("ftp-sessions-c")) {
            ratioGoal(w + " sessions/s >= pyftpdlib", w, "portico", "pyftpdlib", 1.0, true);
            Optional<Double> p = extra(w, "portico", "server_cpu_ms");
            Optional<Double> m = extra(w, "mina", "server_cpu_ms");
            line(w + " server CPU/session < 1/2 of MINA's", p.isPresent() && m.isPresent() ? p.get() < m.get() / 2 : null,
                    fmt(p) + " ms vs MINA " + fmt(m) + " ms");
        }
        workloads("ftp-sessions-c").stream().max(Comparator.comparingInt(w -> Integer.parseInt(w.substring(14))))
                .ifPresent(w -> {
                    Optional<Double> f = sum(w, "portico", "failures");
                    line(w + " zero failures", f.map(x -> x == 0).orElse(null), count(f) + " failures");
                });
        capacityGoal("ftp-capacity-", "portico");
        capacityGoal("smtp-capacity-", "portico-maildir");
        String s20 = byWorkload.containsKey("smtpsrc-s20-10k") ? "smtpsrc-s20-10k" : "smtp-s20-10k";
        ratioGoal(s20 + " Maildir >= SubEthaSMTP", s20, "portico-maildir", "subethasmtp", 1.0, true);
        ratioGoal(s20 + " discard >= 60% of smtp-sink", s20, "portico-discard", "smtp-sink", 0.6, true);
        for (String w : workloads("smtp-s200-")) {
            for (String p : List.of("portico-maildir", "portico-discard")) {
                Optional<Double> f = sum(w, p, "failures");
                Optional<Double> p99 = extra(w, p, "p99_ms");
                line(w + " " + p + " no stalls (no failure, p99 < 1 s)",
                        f.isPresent() && p99.isPresent() ? f.get() == 0 && p99.get() < 1000 : null,
                        count(f) + " failures, p99 " + fmt(p99) + " ms");
            }
        }
        List<Report.Row> starts = byWorkload.getOrDefault("start-to-ready", List.of()).stream()
                .filter(r -> r.server().startsWith("portico")).toList();
        double worst = starts.stream().mapToDouble(Report.Row::value).max().orElse(Double.NaN);
        line("start to 'portico: ready' < 1 s", starts.isEmpty() ? null : worst < 1000,
                "worst of " + starts.size() + " starts: " + Result.fmt(worst) + " ms");
    }

    private void capacityGoal(String prefix, String portico) {
        workloads(prefix).stream().max(Comparator.comparingInt(w -> Integer.parseInt(w.substring(prefix.length()))))
                .ifPresent(w -> {
                    Optional<Double> kib = median(w, portico);
                    Optional<Double> n = extra(w, portico, "sessions");
                    int level = Integer.parseInt(w.substring(prefix.length()));
                    line(w + " held, <= 10 KiB each", kib.isPresent() && n.isPresent() ? kib.get() <= 10 && n.get() >= level : null,
                            fmt(kib) + " KiB/session, " + count(n) + " of " + level + " sessions open");
                });
    }

    private void ratioGoal(String what, String workload, String portico, String peer, double atLeast, boolean higher) {
        Optional<Double> r = ratio(workload, portico, peer);
        line(what, r.map(x -> higher ? x >= atLeast : x <= atLeast).orElse(null),
                "ratio " + fmt(r) + " (" + fmt(median(workload, portico)) + " vs " + fmt(median(workload, peer)) + ")");
    }

    private void line(String what, Boolean met, String figures) {
        out.append(String.format("%-7s %s: %s%n", met == null ? "n/a" : met ? "MET" : "MISSED", what, figures));
    }

    private List<String> workloads(String prefix) {
        return byWorkload.keySet().stream().filter(w -> w.startsWith(prefix)).toList();
    }

    private List<Report.Row> rows(String workload, String server) {
        return byWorkload.getOrDefault(workload, List.of()).stream().filter(r -> r.server().equals(server)).toList();
    }

    private Optional<Double> median(String workload, String server) {
        double[] v = rows(workload, server).stream().mapToDouble(Report.Row::value).filter(d -> !Double.isNaN(d)).toArray();
        return v.length == 0 ? Optional.empty() : Optional.of(Stats.median(v));
    }

    private Optional<Double> extra(String workload, String server, String key) {
        double[] v = rows(workload, server).stream().map(r -> r.fields().get(key)).filter(s -> s != null)
                .mapToDouble(Goals::parse).filter(d -> !Double.isNaN(d)).toArray();
        return v.length == 0 ? Optional.empty() : Optional.of(Stats.median(v));
    }

    private Optional<Double> sum(String workload, String server, String key) {
        List<Report.Row> rs = rows(workload, server);
        return rs.isEmpty() ? Optional.empty()
                : Optional.of(rs.stream().mapToDouble(r -> parse(r.fields().getOrDefault(key, "0"))).sum());
    }

    private Optional<Double> ratio(String workload, String a, String b) {
        List<Double> ratios = new ArrayList<>();
        for (Report.Row x : rows(workload, a)) {
            rows(workload, b).stream().filter(y -> y.round().equals(x.round())).findFirst()
                    .ifPresent(y -> ratios.add(x.value() / y.value()));
        }
        double[] v = ratios.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d) && !Double.isInfinite(d)).toArray();
        return v.length == 0 ? Optional.empty() : Optional.of(Stats.median(v));
    }

    private static String count(Optional<Double> v) {
        return v.map(x -> String.valueOf(Math.round(x))).orElse("-");
    }

    private static String fmt(Optional<Double> v) {
        return v.map(Result::fmt).orElse("-");
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
