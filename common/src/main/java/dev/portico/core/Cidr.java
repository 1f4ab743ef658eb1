package dev.portico.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address block such as {@code 192.168.0.0/16} or {@code fc00::/7}: FTP's local networks, the
 * proxies trusted to send a PROXY header, and the unit a ban covers (an IPv6 client's /64). The
 * host bits of {@code network} are zero, so equal blocks are equal keys.
 */
public record Cidr(byte[] network, int bits) {

    public Cidr {
        network = network.clone();
        if (bits < 0 || bits > network.length * 8) throw new IllegalArgumentException("bad prefix length " + bits);
        int full = bits / 8, rest = bits % 8;
        if (rest != 0) network[full] &= (byte) (0xff << (8 - rest));
        for (int i = full + (rest == 0 ? 0 : 1); i < network.length; i++) network[i] = 0;
    }

    /** The block of {@code bits} leading bits that holds {@code address}. */
    public static Cidr of(InetAddress address, int bits) {
        return new Cidr(address.getAddress(), bits);
    }

    /** Parses {@code ADDRESS/BITS} or a single {@code ADDRESS}; literals only. */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String host = slash < 0 ? t : t.substring(0, slash);
        // only literal addresses: a host name here would mean a DNS lookup at start-up
        if (host.isEmpty() || !(host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("not an address: " + text);
        }
        byte[] addr;
        try {
            addr = InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + text);
        }
        int bits;
        try {
            bits = slash < 0 ? addr.length * 8 : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length: " + text);
        }
        if (bits < 0 || bits > addr.length * 8) throw new IllegalArgumentException("bad prefix length: " + text);
        return new Cidr(addr, bits);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) return false;
        int full = bits / 8, rest = bits % 8;
        for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /** The block's first address. */
    public InetAddress address() {
        try {
            return InetAddress.getByAddress(network);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);   // 4 or 16 bytes, by construction
        }
    }

    /** Whether the block is one address ({@code /32}, {@code /128}). */
    public boolean isSingleAddress() {
        return bits == network.length * 8;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && bits == c.bits && Arrays.equals(network, c.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + bits;
    }

    /** {@code 192.0.2.7} for one address, {@code 2001:db8:1:2:0:0:0:0/64} for a block. */
    @Override
    public String toString() {
        String a = address().getHostAddress();
        return isSingleAddress() ? a : a + "/" + bits;
    }
}
