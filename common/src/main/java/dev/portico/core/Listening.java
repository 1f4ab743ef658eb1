package dev.portico.core;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What every listener of the process shares: the default listen address, the registry of live
 * sessions, and the filter applied at accept. Built once by the launcher (or a test fixture) and
 * handed to each server.
 *
 * @param bindAddress where a server listens unless its own {@code PROTOCOL.bind} key says otherwise
 * @param events      told of what the sessions do (metrics, activity logs)
 * @param proxy       the proxies whose connections start with a PROXY header ({@code proxy-protocol.from}),
 *                    unless a server's own {@code PROTOCOL.proxy-protocol.from} says otherwise
 */
public record Listening(InetAddress bindAddress, SessionRegistry sessions, ConnectionFilter filter, Events events,
                        ProxyProtocol proxy) {
    public Listening {
        Objects.requireNonNull(bindAddress);
        Objects.requireNonNull(sessions);
        Objects.requireNonNull(filter);
        Objects.requireNonNull(events);
        Objects.requireNonNull(proxy);
    }

    /** Listening without trusted proxies. */
    public Listening(InetAddress bindAddress, SessionRegistry sessions, ConnectionFilter filter, Events events) {
        this(bindAddress, sessions, filter, events, ProxyProtocol.OFF);
    }

    /** Listening whose events nobody observes (fixtures of single servers). */
    public Listening(InetAddress bindAddress, SessionRegistry sessions, ConnectionFilter filter) {
        this(bindAddress, sessions, filter, Events.NONE, ProxyProtocol.OFF);
    }
}
