package dev.portico.http;

import dev.portico.core.SessionRegistry;
import dev.portico.core.SessionRegistry.ProtocolStats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleFunction;

/**
 * Live sessions and bytes moved, sampled from {@link SessionRegistry#stats()} every
 * {@link #INTERVAL} into a ring that holds the last {@link #SPAN}, and drawn as inline SVG for the
 * status page: no script and no chart library reach the browser, and the ring's size is fixed.
 */
final class TrafficHistory {

    /** One sample: live sessions of every protocol and bytes moved since start, in and out together. */
    record Sample(Instant time, int sessions, long bytes) {}

    private record Point(Instant time, double value) {}

    static final Duration SPAN = Duration.ofHours(1);
    static final Duration INTERVAL = Duration.ofSeconds(15);
    private static final int CAPACITY = (int) (SPAN.toSeconds() / INTERVAL.toSeconds()) + 1;
    private static final int WIDTH = 520, HEIGHT = 165, LEFT = 70, RIGHT = 510, TOP = 26, BOTTOM = 143;

    private final SessionRegistry registry;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>(CAPACITY);

    TrafficHistory(SessionRegistry registry) {
        this.registry = registry;
    }

    /** Samples now and every {@link #INTERVAL} until {@code stopping} is counted down (the listener stops). */
    void sampleUntil(CountDownLatch stopping) {
        try {
            do {
                record(now());
            } while (!stopping.await(INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the registry says at this moment. */
    Sample now() {
        List<ProtocolStats> stats = registry.stats();
        return new Sample(Instant.now(), stats.stream().mapToInt(ProtocolStats::live).sum(),
                stats.stream().mapToLong(s -> s.bytesIn() + s.bytesOut()).sum());
    }

    void record(Sample s) {
        synchronized (samples) {
            if (samples.size() == CAPACITY) samples.removeFirst();
            samples.addLast(s);
        }
    }

    /** The samples of the last hour, oldest first, ending with one taken now. */
    List<Sample> lastHour() {
        Sample now = now();
        List<Sample> list;
        synchronized (samples) {
            list = new ArrayList<>(samples);
        }
        list.removeIf(s -> s.time().isBefore(now.time().minus(SPAN)));
        list.add(now);
        return list;
    }

    /** Live sessions over the last hour. */
    static String sessionsChart(List<Sample> samples) {
        List<Point> points = samples.stream().map(s -> new Point(s.time(), s.sessions())).toList();
        return chart("sessions-chart", "Open sessions", points, v -> String.format(Locale.ROOT, "%.0f", v));
    }

    /** Bytes per second, in and out together, between one sample and the next. */
    static String throughputChart(List<Sample> samples) {
        List<Point> points = new ArrayList<>();
        for (int i = 1; i < samples.size(); i++) {
            Sample a = samples.get(i - 1), b = samples.get(i);
            double seconds = Duration.between(a.time(), b.time()).toMillis() / 1000.0;
            // the totals move from a live session to its protocol as it ends: a dip is not traffic
            if (seconds > 0) points.add(new Point(b.time(), Math.max(0, b.bytes() - a.bytes()) / seconds));
        }
        return chart("throughput-chart", "Throughput, in and out", points, v -> StatusView.size((long) v) + "/s");
    }

    private static String chart(String id, String title, List<Point> points, DoubleFunction<String> label) {
        Instant end = points.isEmpty() ? Instant.now() : points.getLast().time();
        double max = Math.max(1, points.stream().mapToDouble(Point::value).max().orElse(0));
        StringBuilder line = new StringBuilder();
        for (Point p : points) {
            double age = Duration.between(p.time(), end).toMillis() / (double) SPAN.toMillis();
            double x = RIGHT - (RIGHT - LEFT) * Math.min(1, age);
            double y = BOTTOM - (BOTTOM - TOP) * p.value() / max;
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        StringBuilder svg = new StringBuilder(1024);
        svg.append("<svg id=\"").append(id).append("\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\"><title>")
                .append(title).append(" over the last hour</title>");
        svg.append("<text x=\"").append(LEFT).append("\" y=\"14\" font-size=\"13\" font-weight=\"bold\" fill=\"#222\">")
                .append(StatusView.escape(title)).append("</text>");
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#ccc\"/>",
                LEFT, TOP, RIGHT - LEFT, BOTTOM - TOP));
        svg.append(text(LEFT - 4, TOP + 4, "end", label.apply(max)));
        svg.append(text(LEFT - 4, BOTTOM, "end", label.apply(0)));
        svg.append(text(LEFT, BOTTOM + 16, "start", "-60 min"));
        svg.append(text((LEFT + RIGHT) / 2, BOTTOM + 16, "middle", "-30 min"));
        svg.append(text(RIGHT, BOTTOM + 16, "end", "now"));
        if (!points.isEmpty()) {
            svg.append("<polyline fill=\"none\" stroke=\"#2a6fdb\" stroke-width=\"2\" points=\"")
                    .append(line.toString().strip()).append("\"/>");
        }
        return svg.append("</svg>").toString();
    }

    private static String text(int x, int y, String anchor, String s) {
        return "<text x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" + anchor + "\" font-size=\"11\" fill=\"#555\">"
                + StatusView.escape(s) + "</text>";
    }
}
