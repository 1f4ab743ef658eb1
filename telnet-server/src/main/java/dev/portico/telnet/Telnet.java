package dev.portico.telnet;

/** Telnet command and option codes (RFC 854 §"TELNET COMMAND STRUCTURE", and the option RFCs). */
final class Telnet {

    static final int SE = 240, NOP = 241, DM = 242, BRK = 243, IP = 244, AO = 245, AYT = 246, EC = 247, EL = 248,
            GA = 249, SB = 250, WILL = 251, WONT = 252, DO = 253, DONT = 254, IAC = 255;

    /** RFC 856. */
    static final int BINARY = 0;
    /** RFC 857. */
    static final int ECHO = 1;
    /** RFC 858. */
    static final int SGA = 3;
    /** RFC 1091. */
    static final int TTYPE = 24;
    /** RFC 1073. */
    static final int NAWS = 31;
    /** RFC 1184: refused, the shell edits lines itself. */
    static final int LINEMODE = 34;
    /** RFC 1572: refused, nothing the client sends may reach an environment. */
    static final int NEW_ENVIRON = 39;

    /** TTYPE subnegotiation codes (RFC 1091). */
    static final int TTYPE_IS = 0, TTYPE_SEND = 1;

    private Telnet() {}

    static String commandName(int c) {
        return switch (c) {
            case SE -> "SE"; case NOP -> "NOP"; case DM -> "DM"; case BRK -> "BRK"; case IP -> "IP"; case AO -> "AO";
            case AYT -> "AYT"; case EC -> "EC"; case EL -> "EL"; case GA -> "GA"; case SB -> "SB"; case WILL -> "WILL";
            case WONT -> "WONT"; case DO -> "DO"; case DONT -> "DONT"; case IAC -> "IAC";
            default -> Integer.toString(c);
        };
    }

    static String optionName(int o) {
        return switch (o) {
            case BINARY -> "BINARY"; case ECHO -> "ECHO"; case SGA -> "SGA"; case TTYPE -> "TTYPE"; case NAWS -> "NAWS";
            case LINEMODE -> "LINEMODE"; case NEW_ENVIRON -> "NEW-ENVIRON";
            default -> Integer.toString(o);
        };
    }
}
