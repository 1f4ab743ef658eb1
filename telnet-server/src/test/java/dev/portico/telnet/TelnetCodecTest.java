package dev.portico.telnet;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The NVT input state machine and output encoding, without sockets. */
class TelnetCodecTest {

    /** Records what the codec delivers and what the options answer. */
    static final class Recorder implements TelnetCodec.Listener, TelnetOptions.Peer {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<String> commands = new ArrayList<>();
        final List<String> sent = new ArrayList<>();
        final List<String> subs = new ArrayList<>();

        @Override public void data(int b) { data.write(b); }
        @Override public void command(int c) { commands.add(Telnet.commandName(c)); }
        @Override public void subnegotiation(int option, byte[] p, int len) {
            StringBuilder b = new StringBuilder(Telnet.optionName(option));
            for (int i = 0; i < len; i++) b.append(' ').append(p[i] & 0xff);
            subs.add(b.toString());
        }
        @Override public void sendNegotiation(int verb, int option) {
            sent.add(Telnet.commandName(verb) + " " + Telnet.optionName(option));
        }
        String text() { return data.toString(StandardCharsets.ISO_8859_1); }
    }

    final Recorder r = new Recorder();
    final TelnetOptions options = new TelnetOptions(r);
    final TelnetCodec codec = new TelnetCodec(r, options);

    void feed(int... bytes) {
        for (int b : bytes) codec.receive(b);
    }

    void feed(String s) {
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) codec.receive(b & 0xff);
    }

    @Test
    void iacIacIsOneDataByte255() {
        feed('a', 255, 255, 'b');
        assertThat(r.data.toByteArray()).containsExactly('a', (byte) 255, 'b');
    }

    @Test
    void crLfCrNulBareCrAndBareLfEachEndOneLine() {
        feed("a\r\nb\r\0c\rd\ne");
        assertThat(r.text()).isEqualTo("a\rb\rc\rd\re");
    }

    @Test
    void nopAndGaAreConsumedSilentlyAndDmIsReported() {
        feed('x', 255, 241, 255, 249, 255, 242, 'y');
        assertThat(r.text()).isEqualTo("xy");
        assertThat(r.commands).containsExactly("DM");
    }

    @Test
    void interruptAytAndEditingCommandsAreDelivered() {
        feed(255, 244, 255, 243, 255, 246, 255, 247, 255, 248, 255, 245);
        assertThat(r.commands).containsExactly("IP", "BRK", "AYT", "EC", "EL", "AO");
    }

    @Test
    void unknownOptionsAreRefusedExactlyOnceAndSupportedOnesAccepted() {
        feed(255, 251, 39);      // WILL NEW-ENVIRON
        feed(255, 251, 34);      // WILL LINEMODE
        feed(255, 253, 200);     // DO 200
        feed(255, 251, 31);      // WILL NAWS
        feed(255, 251, 31);      // again: already enabled, no answer (RFC 1143)
        feed(255, 253, 1);       // DO ECHO
        assertThat(r.sent).containsExactly("DONT NEW-ENVIRON", "DONT LINEMODE", "WONT 200", "DO NAWS", "WILL ECHO");
        assertThat(options.isHim(Telnet.NAWS)).isTrue();
        assertThat(options.isUs(Telnet.ECHO)).isTrue();
        assertThat(options.isHim(Telnet.NEW_ENVIRON)).isFalse();
    }

    @Test
    void nawsSubnegotiationWithEscapedIacIsDelivered() {
        feed(255, 251, 31);
        feed(255, 250, 31, 0, 255, 255, 0, 24, 255, 240);
        assertThat(r.subs).containsExactly("NAWS 0 255 0 24");
    }

    @Test
    void subnegotiationForAnOptionNotEnabledIsIgnored() {
        feed(255, 250, 31, 0, 80, 0, 24, 255, 240, 'z');
        assertThat(r.subs).isEmpty();
        assertThat(r.text()).isEqualTo("z");
    }

    @Test
    void overLongSubnegotiationIsDroppedWholeAndInputContinues() {
        feed(255, 251, 24);
        feed(255, 250, 24, 0);
        for (int i = 0; i < 10_000; i++) feed('A');
        feed(255, 240);
        feed("ok");
        assertThat(r.subs).isEmpty();
        assertThat(codec.droppedSubnegotiations()).isEqualTo(1);
        assertThat(r.text()).isEqualTo("ok");
        feed(255, 250, 24, 0, 'V', 'T', 255, 240);
        assertThat(r.subs).containsExactly("TTYPE 0 86 84");
    }

    @Test
    void aCommandInsideSubnegotiationEndsItInsteadOfWedgingInput() {
        feed(255, 251, 31);
        feed(255, 250, 31, 0, 80, 255, 244, 'q');
        assertThat(r.commands).containsExactly("IP");
        assertThat(r.text()).isEqualTo("q");
        assertThat(r.subs).isEmpty();
    }

    @Test
    void outputDoublesIacAndPadsBareCr() {
        byte[] in = {'a', '\n', 'b', '\r', 'c', (byte) 255, '\r', '\n'};
        assertThat(TelnetOutput.encode(in, 0, in.length, false))
                .containsExactly('a', '\r', '\n', 'b', '\r', 0, 'c', (byte) 255, (byte) 255, '\r', '\n');
        assertThat(TelnetOutput.encode(in, 0, in.length, true))
                .containsExactly('a', '\r', '\n', 'b', '\r', 'c', (byte) 255, (byte) 255, '\r', '\n');
    }
}
