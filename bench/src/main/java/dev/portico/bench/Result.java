package dev.portico.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One machine-readable result line: {@code result workload=W value=V unit=U k=v ...} plus the run's tags.
 * Values never contain spaces, so the line splits on blanks and '='.
 */
final class Result {
    private final List<String> fields = new ArrayList<>();

    Result(String workload, double value, String unit, List<String> tags) {
        fields.add("workload=" + workload);
        fields.addAll(tags);
        fields.add("value=" + fmt(value));
        fields.add("unit=" + unit);
    }

    Result with(String key, Object value) {
        String v = value instanceof Double d ? fmt(d) : String.valueOf(value);
        fields.add(key + "=" + v.replace(' ', '_'));
        return this;
    }

    void print() {
        System.out.println("result " + String.join(" ", fields));
        System.out.flush();
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.1f" : a >= 1 ? "%.2f" : "%.4f", v);
    }
}
