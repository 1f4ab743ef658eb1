package dev.portico.core;

import java.net.InetSocketAddress;
import java.time.Instant;

/** A snapshot of one live session, for {@code who}, {@code sessions} and metrics. */
public record SessionInfo(long id, String protocol, String user, InetSocketAddress remote, Instant started,
                          Instant lastActivity, long bytesIn, long bytesOut) {
}
