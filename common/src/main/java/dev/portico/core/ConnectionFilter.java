package dev.portico.core;

import java.net.InetAddress;

/**
 * Decides at accept, before any byte is read, whether a remote address may connect: the shared
 * ban list of failed logins in the running server. Refused connections get the listener's
 * refusal line and are closed.
 */
@FunctionalInterface
public interface ConnectionFilter {

    ConnectionFilter ADMIT_ALL = address -> true;

    boolean admits(InetAddress address);

    /**
     * What a client from {@code address} counts as, for per-address session limits as for bans:
     * the address itself, unless the filter groups addresses (an IPv6 client's /64, which one
     * subscriber holds whole).
     */
    default Cidr blockOf(InetAddress address) {
        return Cidr.of(address, address.getAddress().length * 8);
    }
}
