package dev.portico.http;

import dev.portico.core.SessionRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The chart's ring and its arithmetic, without sockets. */
class TrafficHistoryTest {

    @Test
    void throughputIsBytesPerSecondBetweenSamplesAndADipIsNoTraffic() {
        Instant t = Instant.parse("2026-12-02T05:00:00Z");
        List<TrafficHistory.Sample> samples = List.of(new TrafficHistory.Sample(t, 1, 0),
                new TrafficHistory.Sample(t.plusSeconds(10), 2, 20_480),
                new TrafficHistory.Sample(t.plusSeconds(20), 0, 10_000));
        String svg = TrafficHistory.throughputChart(samples);
        assertThat(svg).startsWith("<svg id=\"throughput-chart\"").contains(">2.0 KiB/s<", ">0 B/s<")
                // 10 s of a 60 min wide plot before "now" at the top (2 KiB/s), then "now" at the bottom (the dip)
                .contains("points=\"508.8,26.0 510.0,143.0\"");
        assertThat(TrafficHistory.sessionsChart(samples)).contains(">2<", "<polyline");
    }

    @Test
    void theRingKeepsAnHourAtMost() {
        TrafficHistory h = new TrafficHistory(new SessionRegistry(10));
        Instant start = Instant.now().minus(Duration.ofHours(3));
        for (int i = 0; i < 3 * 3600 / 15; i++) h.record(new TrafficHistory.Sample(start.plusSeconds(15L * i), i, i));
        List<TrafficHistory.Sample> hour = h.lastHour();
        assertThat(hour.size()).isBetween(3600 / 15, 3600 / 15 + 2);
        assertThat(hour.getFirst().time()).isAfterOrEqualTo(Instant.now().minus(TrafficHistory.SPAN).minusSeconds(1));
    }
}
