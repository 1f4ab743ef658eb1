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
}
