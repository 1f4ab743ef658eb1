package dev.portico.smtp.relay;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * A DNS server for tests: UDP on loopback, port 0, answering from a table of records (MX, A,
 * AAAA, a null MX) built with dnsjava's record classes: NXDOMAIN for names it has nothing for,
 * an empty answer (NODATA) for a name it knows with another type.
 */
final class TestDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final List<Record> table = new ArrayList<>();
    private final Thread thread;

    TestDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofPlatform().daemon().name("test-dns").start(this::serve);
    }

    /** Adds a record in zone-file syntax: {@code add("example.net. 60 IN MX 10 mx.example.net.")}. */
    TestDnsServer add(String zoneLine) throws IOException {
        String[] w = zoneLine.trim().split("\\s+", 5);
        Name name = Name.fromString(w[0]);
        synchronized (table) {
            table.add(Record.fromString(name, org.xbill.DNS.Type.value(w[3]), DClass.IN, Long.parseLong(w[1]), w[4], Name.root));
        }
        return this;
    }

    /** {@code host:port} for {@code dns.servers}. */
    String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void serve() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                Record question = q.getQuestion();
                Message answer = new Message(q.getHeader().getID());
                answer.getHeader().setFlag(Flags.QR);
                answer.getHeader().setFlag(Flags.AA);
                if (q.getHeader().getFlag(Flags.RD)) answer.getHeader().setFlag(Flags.RD);
                answer.getHeader().setFlag(Flags.RA);
                answer.addRecord(question, Section.QUESTION);
                boolean known = false;
                synchronized (table) {
                    for (Record r : table) {
                        if (!r.getName().equals(question.getName())) continue;
                        known = true;
                        if (r.getType() == question.getType()) answer.addRecord(r, Section.ANSWER);
                    }
                }
                if (!known) answer.getHeader().setRcode(Rcode.NXDOMAIN);
                byte[] out = answer.toWire();
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(2000);
    }
}
