package dev.portico.core;

import java.time.Duration;

/**
 * Lets one log line through per interval for an event that can repeat thousands of times a
 * second (a failing accept, refused connections in a flood), and counts the rest, so the line
 * that goes out says how many it stands for.
 */
final class LogThrottle {

    private final long intervalNanos;
    private boolean logged;
    private long lastLogged;
    private long sinceLastLine;
    private long total;

    LogThrottle(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /**
     * Counts one event at {@code now} (a {@link System#nanoTime()} reading). Returns how many
     * events the line logged now stands for (this one and those swallowed since the last line),
     * or 0 when no line is due.
     */
    synchronized long tick(long now) {
        sinceLastLine++;
        total++;
        if (logged && now - lastLogged < intervalNanos) return 0;
        logged = true;
        lastLogged = now;
        long n = sinceLastLine;
        sinceLastLine = 0;
        return n;
    }

    /** Events counted since the last {@link #reset()}. */
    synchronized long total() {
        return total;
    }

    /** Starts over: the next event is logged at once. */
    synchronized void reset() {
        logged = false;
        sinceLastLine = 0;
        total = 0;
    }
}
