package dev.portico.telnet;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Option negotiation by the Q method of RFC 1143, which guarantees that no pair of peers can
 * loop: each side of each option ("us": options we perform, answered with WILL/WONT; "him":
 * options the peer performs, answered with DO/DONT) has a state NO, YES, WANTNO or WANTYES and
 * a queue bit, and a command is sent only when that state changes.
 *
 * <p>Which options may be enabled is fixed here: we perform ECHO, SGA and BINARY; the peer may
 * perform SGA, NAWS, TTYPE and BINARY. Everything else, LINEMODE and NEW-ENVIRON included, is
 * refused with one DONT or WONT per request and never enabled. Thread-safe: the input thread
 * answers the peer while the session thread asks for ECHO around a password prompt.
 */
final class TelnetOptions {

    enum State { NO, YES, WANTNO, WANTYES }

    /** Where negotiation commands go ({@code IAC verb option}) and who hears about changes. */
    interface Peer {
        void sendNegotiation(int verb, int option);

        /** An option became enabled or disabled; {@code ours} is true for "us" options. */
        default void optionChanged(int option, boolean ours, boolean enabled) {}
    }

    private final State[] us = new State[256], him = new State[256];
    /** RFC 1143's queue bit: true means OPPOSITE. */
    private final boolean[] usq = new boolean[256], himq = new boolean[256];
    private final Peer peer;
    private final ReentrantLock lock = new ReentrantLock();

    TelnetOptions(Peer peer) {
        this.peer = peer;
        Arrays.fill(us, State.NO);
        Arrays.fill(him, State.NO);
    }

    static boolean weMay(int option) {
        return option == Telnet.ECHO || option == Telnet.SGA || option == Telnet.BINARY;
    }

    static boolean heMay(int option) {
        return option == Telnet.SGA || option == Telnet.NAWS || option == Telnet.TTYPE || option == Telnet.BINARY;
    }

    boolean isUs(int option) {
        lock.lock();
        try { return us[option] == State.YES; } finally { lock.unlock(); }
    }

    boolean isHim(int option) {
        lock.lock();
        try { return him[option] == State.YES; } finally { lock.unlock(); }
    }

    State usState(int option) { lock.lock(); try { return us[option]; } finally { lock.unlock(); } }

    State himState(int option) { lock.lock(); try { return him[option]; } finally { lock.unlock(); } }

    /** True when no request of ours waits for an answer. */
    boolean settled() {
        lock.lock();
        try {
            for (int i = 0; i < 256; i++) {
                if (us[i] == State.WANTYES || us[i] == State.WANTNO || him[i] == State.WANTYES || him[i] == State.WANTNO) {
                    return false;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Handles a received WILL, WONT, DO or DONT. */
    void receive(int verb, int option) {
        lock.lock();
        try {
            switch (verb) {
                case Telnet.WILL -> receivedEnable(him, himq, option, heMay(option), Telnet.DO, Telnet.DONT, false);
                case Telnet.WONT -> receivedDisable(him, himq, option, Telnet.DO, Telnet.DONT, false);
                case Telnet.DO -> receivedEnable(us, usq, option, weMay(option), Telnet.WILL, Telnet.WONT, true);
                case Telnet.DONT -> receivedDisable(us, usq, option, Telnet.WILL, Telnet.WONT, true);
                default -> throw new IllegalArgumentException("not a negotiation verb: " + verb);
            }
        } finally {
            lock.unlock();
        }
    }

    // RFC 1143 §7, "Upon receipt of WILL" (and of DO, for our side).
    private void receivedEnable(State[] s, boolean[] q, int o, boolean agree, int yes, int no, boolean ours) {
        switch (s[o]) {
            case NO -> {
                if (agree) { s[o] = State.YES; peer.sendNegotiation(yes, o); changed(o, ours, true); }
                else peer.sendNegotiation(no, o);
            }
            case YES -> { /* already enabled: ignore, this is what prevents loops */ }
            case WANTNO -> {
                // Error: our DONT was answered by WILL.
                if (q[o]) { s[o] = State.YES; q[o] = false; changed(o, ours, true); }
                else s[o] = State.NO;
            }
            case WANTYES -> {
                if (q[o]) { s[o] = State.WANTNO; q[o] = false; peer.sendNegotiation(no, o); }
                else { s[o] = State.YES; changed(o, ours, true); }
            }
        }
    }

    // RFC 1143 §7, "Upon receipt of WONT" (and of DONT).
    private void receivedDisable(State[] s, boolean[] q, int o, int yes, int no, boolean ours) {
        switch (s[o]) {
            case NO -> { /* already disabled */ }
            case YES -> { s[o] = State.NO; peer.sendNegotiation(no, o); changed(o, ours, false); }
            case WANTNO -> {
                if (q[o]) { s[o] = State.WANTYES; q[o] = false; peer.sendNegotiation(yes, o); }
                else s[o] = State.NO;
            }
            case WANTYES -> { s[o] = State.NO; q[o] = false; }
        }
    }

    /** Asks to enable an option on our side (sends WILL) or his (sends DO); unsupported options are never asked for. */
    void requestEnable(int option, boolean ours) {
        if (ours ? !weMay(option) : !heMay(option)) return;
        lock.lock();
        try {
            State[] s = ours ? us : him;
            boolean[] q = ours ? usq : himq;
            switch (s[option]) {
                case NO -> { s[option] = State.WANTYES; peer.sendNegotiation(ours ? Telnet.WILL : Telnet.DO, option); }
                case WANTNO -> q[option] = true;
                case WANTYES -> q[option] = false;
                case YES -> { /* already enabled */ }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Asks to disable an option on our side (sends WONT) or his (sends DONT). */
    void requestDisable(int option, boolean ours) {
        lock.lock();
        try {
            State[] s = ours ? us : him;
            boolean[] q = ours ? usq : himq;
            switch (s[option]) {
                case YES -> {
                    s[option] = State.WANTNO;
                    peer.sendNegotiation(ours ? Telnet.WONT : Telnet.DONT, option);
                    changed(option, ours, false);
                }
                case WANTYES -> q[option] = true;
                case WANTNO -> q[option] = false;
                case NO -> { /* already disabled */ }
            }
        } finally {
            lock.unlock();
        }
    }

    private void changed(int option, boolean ours, boolean enabled) {
        peer.optionChanged(option, ours, enabled);
    }
}
