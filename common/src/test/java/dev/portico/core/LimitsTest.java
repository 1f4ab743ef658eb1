package dev.portico.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 13: limits derived from the descriptor limit, the command timeout, the minimum data rate. */
class LimitsTest {

    @Test
    void defaultSessionLimitsComeFromTheOpenFileLimitAndLeaveHeadroom() {
        long limit = Descriptors.limit();
        assertThat(limit).isPositive();
        // a quarter of the limit stays free for data connections, files and deliveries
        assertThat((long) Descriptors.sessionPool()).isLessThanOrEqualTo(limit - limit / 4);
        assertThat(Descriptors.sessionPool()).isGreaterThan((int) (limit / 2));
        // each server may fill half the pool; together they are held to all of it
        assertThat(Limits.DEFAULT.maxSessions()).isEqualTo(Descriptors.sessionPool() / 2);
        assertThat(new SessionRegistry().pool()).isEqualTo(Descriptors.sessionPool());
        assertThat(Descriptors.reserve()).isBetween(16L, Math.max(16, limit / 50));
    }

    @Test
    void explicitMaxSessionsStillWins() {
        Limits l = Limits.from(Settings.of("max-sessions", "7", "smtp.max-sessions", "5"), "smtp", Limits.DEFAULT);
        assertThat(l.maxSessions()).isEqualTo(5);
        assertThat(Limits.from(Settings.of("max-sessions", "7"), "ftp", Limits.DEFAULT).maxSessions()).isEqualTo(7);
        assertThat(Limits.from(Settings.of("max-sessions", "100000"), "ftp", Limits.DEFAULT).maxSessions()).isEqualTo(100_000);
    }

    @Test
    void commandTimeoutDefaultsToFiveMinutesOrTheShorterIdleTimeout() {
        assertThat(Limits.from(Settings.empty(), "pop3", Limits.DEFAULT.withIdleTimeout(Duration.ofMinutes(10)))
                .commandTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(Limits.from(Settings.of("idle-timeout", "20s"), "smtp", Limits.DEFAULT).commandTimeout())
                .isEqualTo(Duration.ofSeconds(20));
        assertThat(Limits.from(Settings.of("idle-timeout", "20s", "command-timeout", "1m"), "smtp", Limits.DEFAULT)
                .commandTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(Limits.from(Settings.of("command-timeout", "1m", "smtp.command-timeout", "2s"), "smtp", Limits.DEFAULT)
                .commandTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> Limits.from(Settings.of("ftp.command-timeout", "soon"), "ftp", Limits.DEFAULT))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ftp.command-timeout");
    }

    @Test
    void minDataRateIsJudgedPerWindowNotOnAverage() {
        MinDataRate rate = new MinDataRate(100, Duration.ofSeconds(10));
        long s = 1_000_000_000L;
        MinDataRate.Meter m = rate.start(0);
        assertThat(m.behind(0, 9 * s)).as("a window not over yet is not judged").isFalse();
        assertThat(m.behind(1_000_000, 10 * s)).as("a fast first window").isFalse();
        // the megabyte sent first earns nothing for the next window
        assertThat(m.behind(1_000_000 + 999, 20 * s)).isTrue();
        MinDataRate.Meter n = rate.start(0);
        assertThat(n.behind(1000, 10 * s)).isFalse();
        assertThat(n.behind(2000, 20 * s)).isFalse();
        assertThat(new MinDataRate(0, Duration.ofSeconds(1)).start(0).behind(0, 100 * s)).as("0 is off").isFalse();
    }

    @Test
    void minDataRateKeys() {
        MinDataRate r = MinDataRate.from(Settings.of("min-data-rate", "1K", "smtp.min-data-rate-window", "5s"), "smtp",
                MinDataRate.DEFAULT);
        assertThat(r).isEqualTo(new MinDataRate(1024, Duration.ofSeconds(5)));
        assertThat(MinDataRate.from(Settings.empty(), "ftp", MinDataRate.DEFAULT)).isEqualTo(MinDataRate.DEFAULT);
        assertThatThrownBy(() -> MinDataRate.from(Settings.of("ftp.min-data-rate", "-1"), "ftp", MinDataRate.DEFAULT))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ftp.min-data-rate");
        assertThatThrownBy(() -> MinDataRate.from(Settings.of("ftp.min-data-rate-window", "0s"), "ftp", MinDataRate.DEFAULT))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ftp.min-data-rate-window");
    }

    @Test
    void logThrottleLetsOneLinePerIntervalThroughAndCountsTheRest() {
        LogThrottle t = new LogThrottle(Duration.ofSeconds(10));
        long s = 1_000_000_000L;
        assertThat(t.tick(0)).isEqualTo(1);
        for (int i = 1; i < 1000; i++) assertThat(t.tick(i)).isZero();
        assertThat(t.tick(10 * s)).isEqualTo(1000);
        assertThat(t.total()).isEqualTo(1001);
        t.reset();
        assertThat(t.tick(10 * s + 1)).isEqualTo(1);
    }
}
