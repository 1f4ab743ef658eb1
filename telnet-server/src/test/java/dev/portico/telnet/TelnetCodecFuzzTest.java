package dev.portico.telnet;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.ArrayDeque;
import java.util.Deque;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the Telnet receiving state machine ({@link TelnetCodec}) and option negotiation
 * ({@link TelnetOptions}) with bytes from a peer mixed with our own requests (ECHO around a
 * password prompt, SGA, BINARY...). Properties: no exception; every negotiation we send answers a
 * received one or a request of ours, at most one each (RFC 1143: no loop); only the options we
 * support are ever enabled; a subnegotiation reaches the session only for an option the peer has
 * enabled and never longer than {@link TelnetCodec#MAX_SUBNEGOTIATION}; data holds a 0xFF only
 * where the peer sent IAC IAC. Then two Q-method peers talk to each other after random requests on
 * both sides, and the exchange ends (RFC 1143 §7's guarantee) with both sides agreeing.
 */
class TelnetCodecFuzzTest {

    private static final int[] OPTIONS = {Telnet.BINARY, Telnet.ECHO, Telnet.SGA, Telnet.TTYPE, Telnet.NAWS,
            Telnet.LINEMODE, Telnet.NEW_ENVIRON, 5, 200, 255};

    @FuzzTest
    void negotiationNeverLoopsAndOnlySupportedOptionsTurnOn(FuzzedDataProvider data) {
        int[] sent = {0};
        int[] received = {0};
        int[] iacIac = {0};
        int[] dataFf = {0};
        TelnetOptions options = new TelnetOptions((verb, option) -> {
            assertThat(verb).isBetween(Telnet.WILL, Telnet.DONT);
            sent[0]++;
        });
        TelnetCodec codec = new TelnetCodec(new TelnetCodec.Listener() {
            @Override public void data(int b) {
                assertThat(b).isBetween(1, 255);
                if (b == 255) dataFf[0]++;
            }
            @Override public void command(int command) {
                assertThat(command).isBetween(Telnet.SE, 254);
            }
            @Override public void subnegotiation(int option, byte[] payload, int length) {
                assertThat(options.isHim(option)).as("SB for option %d not enabled", option).isTrue();
                assertThat(length).isBetween(0, TelnetCodec.MAX_SUBNEGOTIATION);
            }
        }, options);

        int requests = 0;
        int previous = -1;
        int steps = data.consumeInt(0, 64);
        for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
            if (data.consumeInt(0, 7) == 0) {
                int option = data.pickValue(OPTIONS);
                boolean ours = data.consumeBoolean();
                if (data.consumeBoolean()) options.requestEnable(option, ours); else options.requestDisable(option, ours);
                requests++;
                continue;
            }
            byte[] chunk = data.consumeBytes(data.consumeInt(1, 64));
            for (byte x : chunk) {
                int b = x & 0xff;
                // Count what the codec must see: IAC IAC pairs, and negotiations (IAC WILL..DONT x)
                if (previous == 255 && b == 255) { iacIac[0]++; previous = -1; continue; }
                previous = b;
            }
            for (int k = 0; k + 1 < chunk.length; k++) {
                if ((chunk[k] & 0xff) == 255 && (chunk[k + 1] & 0xff) >= Telnet.WILL) received[0]++;
            }
            codec.receive(chunk, 0, chunk.length);
        }
        // One answer per received negotiation at most, one command per request of ours at most;
        // received[] counts every IAC verb pair in the chunks, which bounds the real number from above
        // except for pairs split across chunks, so chunk boundaries get their own slack.
        assertThat(sent[0]).as("negotiations sent").isLessThanOrEqualTo(received[0] + requests + steps);
        assertThat(dataFf[0]).as("0xFF data bytes").isLessThanOrEqualTo(iacIac[0] + steps);
        for (int o = 0; o < 256; o++) {
            if (options.isUs(o)) assertThat(TelnetOptions.weMay(o)).as("we perform option %d", o).isTrue();
            if (options.isHim(o)) assertThat(TelnetOptions.heMay(o)).as("the peer performs option %d", o).isTrue();
        }
        twoPeersSettle(data);
    }

    /** Two Q-method peers with the same policy: random requests, messages delivered in order, the talk must end. */
    private static void twoPeersSettle(FuzzedDataProvider data) {
        Deque<int[]> toA = new ArrayDeque<>(), toB = new ArrayDeque<>();
        TelnetOptions a = new TelnetOptions((verb, option) -> toB.add(new int[]{verb, option}));
        TelnetOptions b = new TelnetOptions((verb, option) -> toA.add(new int[]{verb, option}));
        int steps = data.consumeInt(0, 40);
        for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
            TelnetOptions side = data.consumeBoolean() ? a : b;
            int option = data.pickValue(OPTIONS);
            boolean ours = data.consumeBoolean();
            switch (data.consumeInt(0, 3)) {
                case 0 -> side.requestEnable(option, ours);
                case 1 -> side.requestDisable(option, ours);
                case 2 -> deliver(toA, a);
                default -> deliver(toB, b);
            }
        }
        for (int i = 0; i < 10_000 && !(toA.isEmpty() && toB.isEmpty()); i++) {
            deliver(toA, a);
            deliver(toB, b);
        }
        assertThat(toA.isEmpty() && toB.isEmpty()).as("negotiation between two Q-method peers ends").isTrue();
        assertThat(a.settled() && b.settled()).as("no request left waiting").isTrue();
        for (int o : OPTIONS) {
            assertThat(a.isUs(o)).as("both sides agree on option %d (a us, b him)", o).isEqualTo(b.isHim(o));
            assertThat(a.isHim(o)).as("both sides agree on option %d (a him, b us)", o).isEqualTo(b.isUs(o));
        }
    }

    private static void deliver(Deque<int[]> queue, TelnetOptions to) {
        int[] m = queue.poll();
        if (m != null) to.receive(m[0], m[1]);
    }
}
