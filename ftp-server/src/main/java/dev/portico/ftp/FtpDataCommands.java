package dev.portico.ftp;

import dev.portico.core.Reply;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Data connection set-up and transfer parameters: PASV, EPSV, PORT, EPRT (RFC 959, RFC 2428),
 * TYPE, MODE, STRU, ALLO, REST (RFC 3659 §5) and ABOR.
 */
final class FtpDataCommands {

    private static final Pattern SPACES = Pattern.compile("\\s+");

    private FtpDataCommands() {}

    /** RFC 959 §3.1.1: A and I, with the format/byte-size parameters clients send (A N, L 8). */
    static Reply type(FtpSession s, String arg) {
        String t = SPACES.matcher(arg.trim().toUpperCase(Locale.ROOT)).replaceAll(" ");
        switch (t) {
            case "A", "A N" -> {
                s.ascii = true;
                return FtpReplies.TYPE_ASCII;
            }
            case "I", "L 8" -> {
                s.ascii = false;
                return FtpReplies.TYPE_BINARY;
            }
            case "" -> {
                return FtpReplies.argumentRequired("TYPE");
            }
            default -> {
                return t.matches("[AEIL]( .*)?") ? FtpReplies.PARAMETER_NOT_IMPLEMENTED : FtpReplies.SYNTAX_ERROR;
            }
        }
    }

    static Reply mode(FtpSession s, String arg) {
        String m = arg.trim().toUpperCase(Locale.ROOT);
        if (m.equals("S")) return FtpReplies.MODE_STREAM;
        return m.isEmpty() ? FtpReplies.argumentRequired("MODE") : FtpReplies.PARAMETER_NOT_IMPLEMENTED;
    }

    static Reply stru(FtpSession s, String arg) {
        String m = arg.trim().toUpperCase(Locale.ROOT);
        if (m.equals("F")) return FtpReplies.STRU_FILE;
        return m.isEmpty() ? FtpReplies.argumentRequired("STRU") : FtpReplies.PARAMETER_NOT_IMPLEMENTED;
    }

    static Reply allo(FtpSession s, String arg) {
        return FtpReplies.ALLO;
    }

    /** RFC 3659 §5.3: REST STREAM, a byte offset for the next RETR or STOR. */
    static Reply rest(FtpSession s, String arg) {
        try {
            long offset = Long.parseLong(arg.trim());
            if (offset < 0) return FtpReplies.SYNTAX_ERROR;
            s.restOffset = offset;
            return FtpReplies.restarting(offset);
        } catch (NumberFormatException e) {
            return FtpReplies.SYNTAX_ERROR;
        }
    }

    static Reply pasv(FtpSession s, String arg) {
        if (s.epsvAll) return FtpReplies.EPSV_ALL_ONLY;
        InetAddress local = s.connection.local().getAddress();
        if (!(local instanceof Inet4Address)) return FtpReplies.USE_EPSV;
        DataChannel d = listen(s);
        if (d == null) return FtpReplies.NO_PASSIVE_PORT;
        InetAddress shown = s.passive.advertisedAddress(s.connection.remote().getAddress(), local);
        byte[] a = shown.getAddress();
        int port = d.port();
        return Reply.of(227, "Entering Passive Mode (" + (a[0] & 0xff) + "," + (a[1] & 0xff) + "," + (a[2] & 0xff) + ","
                + (a[3] & 0xff) + "," + (port >> 8) + "," + (port & 0xff) + ").");
    }

    /** RFC 2428 §3: only the port is given; the client connects to the control connection's address. */
    static Reply epsv(FtpSession s, String arg) {
        String a = arg.trim();
        if (a.equalsIgnoreCase("ALL")) {
            s.epsvAll = true;
            return FtpReplies.EPSV_ALL_OK;
        }
        if (!a.isEmpty()) {
            int proto = s.connection.local().getAddress() instanceof Inet6Address ? 2 : 1;
            if (!a.equals(Integer.toString(proto))) {
                return Reply.of(522, "Network protocol not supported, use (" + proto + ")");
            }
        }
        DataChannel d = listen(s);
        if (d == null) return FtpReplies.NO_PASSIVE_PORT;
        return Reply.of(229, "Entering Extended Passive Mode (|||" + d.port() + "|)");
    }

    private static DataChannel listen(FtpSession s) {
        s.closeDataChannel();
        ServerSocketChannel listener;
        try {
            listener = s.passive.open(s.connection.local().getAddress());
        } catch (IOException e) {
            return null;
        }
        DataChannel d = DataChannel.passive(listener,
                s.config.checkDataAddress() ? s.connection.remote().getAddress() : null, s.passive.proxy, s.config.dataTimeout());
        s.replaceDataChannel(d);
        return d;
    }

    /** RFC 959 §4.1.2: {@code PORT h1,h2,h3,h4,p1,p2}. */
    static Reply port(FtpSession s, String arg) {
        if (s.epsvAll) return FtpReplies.EPSV_ALL_ONLY;
        String[] p = arg.trim().split(",");
        if (p.length != 6) return FtpReplies.SYNTAX_ERROR;
        byte[] addr = new byte[4];
        int port;
        try {
            for (int i = 0; i < 4; i++) addr[i] = (byte) octet(p[i]);
            port = octet(p[4]) << 8 | octet(p[5]);
            return active(s, new InetSocketAddress(InetAddress.getByAddress(addr), port));
        } catch (NumberFormatException | UnknownHostException e) {
            return FtpReplies.SYNTAX_ERROR;
        }
    }

    private static int octet(String s) {
        int v = Integer.parseInt(s.trim());
        if (v < 0 || v > 255) throw new NumberFormatException(s);
        return v;
    }

    /** RFC 2428 §2: {@code EPRT |af|address|port|}, any delimiter. */
    static Reply eprt(FtpSession s, String arg) {
        if (s.epsvAll) return FtpReplies.EPSV_ALL_ONLY;
        String a = arg.trim();
        if (a.length() < 7) return FtpReplies.SYNTAX_ERROR;
        String d = a.substring(0, 1);
        String[] f = a.substring(1).split(Pattern.quote(d), -1);
        if (f.length != 4 || !f[3].isEmpty()) return FtpReplies.SYNTAX_ERROR;
        if (!f[0].equals("1") && !f[0].equals("2")) return FtpReplies.BAD_NETWORK_PROTOCOL;
        String host = f[1];
        // literal addresses only: never a DNS lookup on a client's say-so
        boolean literal = f[0].equals("1") ? host.matches("[0-9.]+") : host.matches("[0-9a-fA-F:.]+") && host.contains(":");
        if (!literal) return FtpReplies.SYNTAX_ERROR;
        try {
            InetAddress address = InetAddress.getByName(host);
            int port = Integer.parseInt(f[2]);
            if (port < 1 || port > 65535) return FtpReplies.SYNTAX_ERROR;
            return active(s, new InetSocketAddress(address, port));
        } catch (NumberFormatException | UnknownHostException e) {
            return FtpReplies.SYNTAX_ERROR;
        }
    }

    /** RFC 2577 §3: no data connections to third parties (FXP, bounce) nor to privileged ports. */
    private static Reply active(FtpSession s, InetSocketAddress target) {
        if (target.getPort() < 1024) return FtpReplies.BOUNCE_REFUSED;
        if (s.config.checkDataAddress() && !target.getAddress().equals(s.connection.remote().getAddress())) {
            return FtpReplies.BOUNCE_REFUSED;
        }
        InetSocketAddress local = s.connection.local();
        InetSocketAddress from = new InetSocketAddress(local.getAddress(), Math.max(0, local.getPort() - 1));
        s.replaceDataChannel(DataChannel.active(target, from, s.config.dataTimeout()));
        return FtpReplies.PORT_OK;
    }

    /** RFC 959 §4.1.3: the transfer thread answers 426, then ABOR answers 226. */
    static Reply abor(FtpSession s, String arg) {
        boolean aborted = s.abortTransfer();
        s.closeDataChannel();
        return aborted ? FtpReplies.ABORT_OK : FtpReplies.NOTHING_TO_ABORT;
    }
}
