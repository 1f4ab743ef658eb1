package dev.portico.telnet;

/**
 * The receiving half of the RFC 854 Network Virtual Terminal, as a byte-at-a-time state machine
 * with no I/O of its own: IAC commands are taken out of the data, IAC IAC becomes a data 0xFF,
 * option negotiation goes to {@link TelnetOptions}, subnegotiations are collected in a bounded
 * buffer, and the NVT line endings CR LF and CR NUL (and, leniently, a bare CR or LF) become one
 * {@link #ENTER}.
 *
 * <p>A subnegotiation longer than {@link #MAX_SUBNEGOTIATION} bytes is dropped whole, never
 * truncated or grown without bound (the 2026 inetutils telnetd overflow was exactly here).
 */
final class TelnetCodec {

    /** Largest subnegotiation payload kept; NAWS needs 4 bytes, TTYPE IS a terminal name. */
    static final int MAX_SUBNEGOTIATION = 256;
    /** The data byte delivered for a line ending. */
    static final int ENTER = '\r';

    /** What the codec finds in the input. Called on the thread that feeds the codec. */
    interface Listener {
        /** A data byte; line endings arrive as {@link #ENTER}. */
        void data(int b);

        /** IP, BRK, AO, AYT, EC, EL, DM (NOP and GA are consumed by the codec). */
        void command(int command);

        /** A complete subnegotiation for an option the peer has enabled. */
        void subnegotiation(int option, byte[] payload, int length);
    }

    private enum State { DATA, CR, IAC, NEGOTIATE, SB_OPTION, SB_DATA, SB_IAC }

    private final Listener listener;
    private final TelnetOptions options;
    private final byte[] sb = new byte[MAX_SUBNEGOTIATION];
    private State state = State.DATA;
    private int verb, sbOption, sbLength;
    private boolean sbOverflow;
    private long droppedSubnegotiations;

    TelnetCodec(Listener listener, TelnetOptions options) {
        this.listener = listener;
        this.options = options;
    }

    /** Feeds received bytes. */
    void receive(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) receive(b[i] & 0xff);
    }

    void receive(int b) {
        switch (state) {
            case DATA -> data(b);
            case CR -> {
                // RFC 854: CR is followed by LF (end of line) or NUL (a bare CR); both end the line here.
                state = State.DATA;
                if (b != '\n' && b != 0) data(b);
            }
            case IAC -> command(b);
            case NEGOTIATE -> {
                state = State.DATA;
                options.receive(verb, b);
            }
            case SB_OPTION -> {
                sbOption = b;
                sbLength = 0;
                sbOverflow = false;
                state = State.SB_DATA;
            }
            case SB_DATA -> {
                if (b == Telnet.IAC) state = State.SB_IAC;
                else sbByte(b);
            }
            case SB_IAC -> {
                if (b == Telnet.IAC) {
                    sbByte(b);
                    state = State.SB_DATA;
                } else if (b == Telnet.SE) {
                    state = State.DATA;
                    endSubnegotiation();
                } else {
                    // RFC 855 allows no other command inside SB: treat the SB as ended and
                    // this byte as the command after IAC, so a broken peer cannot wedge input.
                    sbOverflow = true;
                    endSubnegotiation();
                    state = State.IAC;
                    command(b);
                }
            }
        }
    }

    private void data(int b) {
        if (b == Telnet.IAC) {
            state = State.IAC;
        } else if (b == '\r') {
            state = State.CR;
            listener.data(ENTER);
        } else if (b == '\n') {
            listener.data(ENTER);           // a bare LF from a lenient client ends the line too
        } else if (b != 0) {
            listener.data(b);               // NUL is padding in the NVT
        }
    }

    private void command(int b) {
        state = State.DATA;
        switch (b) {
            case Telnet.IAC -> listener.data(Telnet.IAC);    // IAC IAC: a data byte 255
            case Telnet.WILL, Telnet.WONT, Telnet.DO, Telnet.DONT -> { verb = b; state = State.NEGOTIATE; }
            case Telnet.SB -> state = State.SB_OPTION;
            // NOP; GA (we run with SGA or ignore GA); SE without SB is noise.
            case Telnet.NOP, Telnet.GA, Telnet.SE -> { }
            case Telnet.IP, Telnet.BRK, Telnet.AO, Telnet.AYT, Telnet.EC, Telnet.EL, Telnet.DM -> listener.command(b);
            default -> { /* an unknown command code is ignored */ }
        }
    }

    private void sbByte(int b) {
        if (sbLength == sb.length) {
            sbOverflow = true;
            return;
        }
        sb[sbLength++] = (byte) b;
    }

    private void endSubnegotiation() {
        if (sbOverflow) {
            droppedSubnegotiations++;
        } else if (options.isHim(sbOption)) {
            listener.subnegotiation(sbOption, sb, sbLength);
        }
        sbLength = 0;
        sbOverflow = false;
    }

    /** Subnegotiations thrown away as too long or malformed. */
    long droppedSubnegotiations() {
        return droppedSubnegotiations;
    }
}
