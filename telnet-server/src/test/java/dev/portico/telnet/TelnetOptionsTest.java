package dev.portico.telnet;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 1143 Q method: two peers negotiating at random never loop and always end in agreement. */
class TelnetOptionsTest {

    /** Two TelnetOptions wired back to back through queues, as two ends of a connection. */
    static final class Pair {
        final Deque<int[]> toB = new ArrayDeque<>(), toA = new ArrayDeque<>();
        final TelnetOptions a = new TelnetOptions((verb, option) -> toB.add(new int[]{verb, option}));
        final TelnetOptions b = new TelnetOptions((verb, option) -> toA.add(new int[]{verb, option}));
        int messages;

        /** Delivers everything in flight, in random interleaving; returns how many messages moved. */
        int settle(Random random) {
            int moved = 0;
            while (!toA.isEmpty() || !toB.isEmpty()) {
                if (moved++ > 10_000) throw new AssertionError("negotiation loop");
                boolean pickA = toB.isEmpty() || (!toA.isEmpty() && random.nextBoolean());
                if (pickA) { int[] m = toA.poll(); a.receive(m[0], m[1]); }
                else { int[] m = toB.poll(); b.receive(m[0], m[1]); }
            }
            messages += moved;
            return moved;
        }
    }

    @Test
    void randomFlippingOnBothSidesNeverLoopsAndEndsInAgreement() {
        Random random = new Random(854);
        for (int round = 0; round < 200; round++) {
            Pair p = new Pair();
            int[] opts = {Telnet.ECHO, Telnet.SGA, Telnet.BINARY, Telnet.NAWS, Telnet.TTYPE, Telnet.LINEMODE, 99};
            for (int step = 0; step < 50; step++) {
                int o = opts[random.nextInt(opts.length)];
                TelnetOptions who = random.nextBoolean() ? p.a : p.b;
                boolean ours = random.nextBoolean();
                if (random.nextBoolean()) who.requestEnable(o, ours); else who.requestDisable(o, ours);
                if (random.nextInt(4) == 0) p.settle(random);   // sometimes let requests cross in flight
            }
            p.settle(random);
            for (int o : opts) {
                assertThat(p.a.usState(o)).isIn(TelnetOptions.State.YES, TelnetOptions.State.NO);
                assertThat(p.a.usState(o) == TelnetOptions.State.YES).isEqualTo(p.b.himState(o) == TelnetOptions.State.YES);
                assertThat(p.a.himState(o) == TelnetOptions.State.YES).isEqualTo(p.b.usState(o) == TelnetOptions.State.YES);
                if (!TelnetOptions.weMay(o)) assertThat(p.a.usState(o)).isEqualTo(TelnetOptions.State.NO);
                if (!TelnetOptions.heMay(o)) assertThat(p.a.himState(o)).isEqualTo(TelnetOptions.State.NO);
            }
            assertThat(p.a.settled()).isTrue();
            assertThat(p.b.settled()).isTrue();
        }
    }

    @Test
    void eachReceivedRequestGetsAtMostOneAnswer() {
        int[] answers = {0};
        TelnetOptions o = new TelnetOptions((verb, option) -> answers[0]++);
        for (int option = 0; option < 256; option++) {
            for (int verb : new int[]{Telnet.WILL, Telnet.DO, Telnet.WONT, Telnet.DONT, Telnet.WILL, Telnet.DO}) {
                int before = answers[0];
                o.receive(verb, option);
                assertThat(answers[0] - before).isLessThanOrEqualTo(1);
            }
        }
        assertThat(answers[0]).isLessThanOrEqualTo(256 * 6);
    }

    @Test
    void enableRequestCrossingThePeersOwnRequestEndsWithoutFurtherMessages() {
        Pair p = new Pair();
        p.a.requestEnable(Telnet.SGA, true);    // a: WILL SGA
        p.b.requestEnable(Telnet.SGA, false);   // b: DO SGA, crossing
        int moved = p.settle(new Random(1));
        assertThat(moved).isEqualTo(2);
        assertThat(p.a.isUs(Telnet.SGA)).isTrue();
        assertThat(p.b.isHim(Telnet.SGA)).isTrue();
    }
}
