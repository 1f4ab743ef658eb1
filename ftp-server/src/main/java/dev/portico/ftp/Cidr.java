package dev.portico.ftp;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block such as {@code 192.168.0.0/16} or {@code fc00::/7}, for the passive-address choice. */
record Cidr(byte[] network, int bits) {

    static Cidr parse(String text) {
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

    boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) return false;
        int full = bits / 8, rest = bits % 8;
        for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }
}
