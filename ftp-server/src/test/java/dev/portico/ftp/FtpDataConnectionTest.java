package dev.portico.ftp;

import dev.portico.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;

/** Where data connections come from and go to: L−1, passive ranges, the advertised address. */
@Timeout(30)
class FtpDataConnectionTest {

    @RegisterExtension
    final FtpTestServer ftp = new FtpTestServer();
    /** A second server, for comparing two configurations. */
    @RegisterExtension
    final FtpTestServer local = new FtpTestServer();

    private static String portArgument(int port) {
        return "127,0,0,1," + (port >> 8) + "," + (port & 0xff);
    }

    private int activeRetrFromPort(RawClient raw) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(5000);
            raw.send("PORT " + portArgument(listener.getLocalPort())).expect("200");
            raw.send("RETR f.txt");
            try (Socket data = listener.accept()) {
                raw.expect("150");
                assertThat(new String(data.getInputStream().readAllBytes())).isEqualTo("data");
                raw.expect("226");
                return data.getPort();
            }
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void activeModeConnectsFromControlPortMinusOne() throws Exception {
        ftp.start();
        ftp.write("alice", "f.txt", "data");
        try (RawClient raw = RawFtp.alice(ftp.port())) {
            boolean wasFree = free(ftp.port() - 1);
            int from = activeRetrFromPort(raw);
            if (wasFree) assertThat(from).isEqualTo(ftp.port() - 1);
            // twice in a row from the same port works too (SO_REUSEADDR, a new client port each time)
            int again = activeRetrFromPort(raw);
            if (wasFree) assertThat(again).isEqualTo(ftp.port() - 1);
        }
    }

    @Test
    void activeModeFallsBackToAnyPortWhenLMinusOneIsTaken() throws Exception {
        ftp.start();
        ftp.write("alice", "f.txt", "data");
        try (ServerSocket squatter = new ServerSocket()) {
            boolean taken;
            try {
                squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ftp.port() - 1));
                taken = true;
            } catch (Exception e) {
                taken = true;   // someone else holds it: just as good for this test
            }
            assertThat(taken).isTrue();
            try (RawClient raw = RawFtp.alice(ftp.port())) {
                assertThat(activeRetrFromPort(raw)).isNotEqualTo(ftp.port() - 1);
            }
        }
    }

    @Test
    void passivePortsComeFromTheConfiguredRange() throws Exception {
        ftp.start("ftp.passive.ports", "41000-41019");
        try (RawClient raw = RawFtp.alice(ftp.port())) {
            for (int i = 0; i < 5; i++) assertThat(RawFtp.pasv(raw)).isBetween(41_000, 41_019);
            String epsv = raw.send("EPSV").expect("229");
            int port = Integer.parseInt(epsv.replaceAll(".*\\|\\|\\|(\\d+)\\|.*", "$1"));
            assertThat(port).isBetween(41_000, 41_019);
        }
    }

    @Test
    void advertisedAddressIsShownOnlyToClientsOutsideLocalNetworks() throws Exception {
        ftp.start("ftp.passive.address", "10.9.8.7", "ftp.passive.local-networks", "192.168.0.0/16");
        try (RawClient raw = RawFtp.alice(ftp.port())) {
            assertThat(raw.send("PASV").expect("227")).contains("(10,9,8,7,");
        }
        local.start("ftp.passive.address", "10.9.8.7", "ftp.passive.local-networks", "127.0.0.0/8");
        try (RawClient raw = RawFtp.alice(local.port())) {
            assertThat(raw.send("PASV").expect("227")).contains("(127,0,0,1,");
        }
    }

    @Test
    void eprtOverIpv4ConnectsBack() throws Exception {
        ftp.start();
        ftp.write("alice", "f.txt", "data");
        try (RawClient raw = RawFtp.alice(ftp.port());
             ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(5000);
            raw.send("EPRT |1|127.0.0.1|" + listener.getLocalPort() + "|").expect("200");
            raw.send("RETR f.txt");
            try (Socket data = listener.accept()) {
                raw.expect("150");
                assertThat(new String(data.getInputStream().readAllBytes())).isEqualTo("data");
            }
            raw.expect("226");
        }
    }

    @Test
    void activeTargetThatRefusesGives425() throws Exception {
        ftp.start();
        ftp.write("alice", "f.txt", "data");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (RawClient raw = RawFtp.alice(ftp.port())) {
            raw.send("PORT " + portArgument(closedPort)).expect("200");
            raw.send("RETR f.txt").expect("425");
            raw.send("NOOP").expect("200");
        }
    }
}
