package dev.portico.ftp;

import dev.portico.core.CommandTable;
import dev.portico.core.Reply;
import dev.portico.ftp.FtpSession.Phase;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every FTP verb we answer: the phases it is allowed in, whether it runs while a transfer is
 * in progress (ABOR, STAT, NOOP), and its handler. Aliases (XPWD, RFC 1123 §4.1.3.1) are rows of
 * their own. Verbs not listed get 500, RFC 959 verbs we leave out get 502.
 */
enum FtpVerb {
    // login and session (FtpLoginCommands)
    USER(Sets.LOGIN, false, FtpLoginCommands::user),
    PASS(EnumSet.of(Phase.NEED_PASSWORD), false, FtpLoginCommands::pass),
    ACCT(Sets.ANY, false, FtpLoginCommands::acct),
    QUIT(Sets.ANY, false, FtpLoginCommands::quit),
    NOOP(Sets.ANY, true, FtpLoginCommands::noop),
    SYST(Sets.ANY, false, FtpLoginCommands::syst),
    FEAT(Sets.ANY, false, FtpLoginCommands::feat),
    OPTS(Sets.ANY, false, FtpLoginCommands::opts),
    HELP(Sets.ANY, false, FtpLoginCommands::help),
    SITE(Sets.IN, false, FtpLoginCommands::site),
    AUTH(Sets.ANY, false, FtpLoginCommands::auth),
    PBSZ(Sets.ANY, false, FtpLoginCommands::pbsz),
    PROT(Sets.ANY, false, FtpLoginCommands::prot),
    CCC(Sets.ANY, false, FtpLoginCommands::ccc),
    // directories and names (FtpDirectoryCommands)
    PWD(Sets.IN, false, FtpDirectoryCommands::pwd),
    XPWD(Sets.IN, false, FtpDirectoryCommands::pwd),
    CWD(Sets.IN, false, FtpDirectoryCommands::cwd),
    XCWD(Sets.IN, false, FtpDirectoryCommands::cwd),
    CDUP(Sets.IN, false, FtpDirectoryCommands::cdup),
    XCUP(Sets.IN, false, FtpDirectoryCommands::cdup),
    MKD(Sets.IN, false, FtpDirectoryCommands::mkd),
    XMKD(Sets.IN, false, FtpDirectoryCommands::mkd),
    RMD(Sets.IN, false, FtpDirectoryCommands::rmd),
    XRMD(Sets.IN, false, FtpDirectoryCommands::rmd),
    DELE(Sets.IN, false, FtpDirectoryCommands::dele),
    RNFR(Sets.IN, false, FtpDirectoryCommands::rnfr),
    RNTO(EnumSet.of(Phase.RENAMING), false, FtpDirectoryCommands::rnto),
    SIZE(Sets.IN, false, FtpDirectoryCommands::size),
    MDTM(Sets.IN, false, FtpDirectoryCommands::mdtm),
    MFMT(Sets.IN, false, FtpDirectoryCommands::mfmt),
    // data connection and parameters (FtpDataCommands)
    TYPE(Sets.IN, false, FtpDataCommands::type),
    MODE(Sets.IN, false, FtpDataCommands::mode),
    STRU(Sets.IN, false, FtpDataCommands::stru),
    ALLO(Sets.IN, false, FtpDataCommands::allo),
    REST(Sets.IN, false, FtpDataCommands::rest),
    PASV(Sets.IN, false, FtpDataCommands::pasv),
    EPSV(Sets.IN, false, FtpDataCommands::epsv),
    PORT(Sets.IN, false, FtpDataCommands::port),
    EPRT(Sets.IN, false, FtpDataCommands::eprt),
    ABOR(Sets.IN, true, FtpDataCommands::abor),
    // transfers and listings (FtpTransferCommands)
    RETR(Sets.IN, false, FtpTransferCommands::retr),
    STOR(Sets.IN, false, FtpTransferCommands::stor),
    APPE(Sets.IN, false, FtpTransferCommands::appe),
    STOU(Sets.IN, false, FtpTransferCommands::stou),
    LIST(Sets.IN, false, FtpTransferCommands::list),
    NLST(Sets.IN, false, FtpTransferCommands::nlst),
    MLSD(Sets.IN, false, FtpTransferCommands::mlsd),
    MLST(Sets.IN, false, FtpTransferCommands::mlst),
    STAT(Sets.IN, true, FtpTransferCommands::stat);

    /** RFC 959 verbs this server knows of and does not do: 502 rather than 500. */
    private static final Set<String> NOT_IMPLEMENTED = Set.of("REIN", "SMNT");

    private static final class Sets {
        static final Set<Phase> ANY = EnumSet.allOf(Phase.class);
        static final Set<Phase> LOGIN = EnumSet.of(Phase.NOT_LOGGED_IN, Phase.NEED_PASSWORD);
        static final Set<Phase> IN = EnumSet.of(Phase.LOGGED_IN);
    }

    final Set<Phase> phases;
    final boolean duringTransfer;
    final CommandTable.Handler<FtpSession, Reply> handler;

    FtpVerb(Set<Phase> phases, boolean duringTransfer, CommandTable.Handler<FtpSession, Reply> handler) {
        this.phases = phases;
        this.duringTransfer = duringTransfer;
        this.handler = handler;
    }

    private static final Map<String, FtpVerb> BY_NAME = new HashMap<>();

    static {
        for (FtpVerb v : values()) BY_NAME.put(v.name(), v);
    }

    static FtpVerb find(String verb) {
        return BY_NAME.get(verb);
    }

    /** The single place that answers unknown verbs and verbs out of sequence. */
    static final CommandTable<FtpSession, Phase, Reply> TABLE = CommandTable.<FtpSession, Phase, Reply, FtpVerb>of(
            FtpVerb.class, v -> v.phases, v -> v.handler, new CommandTable.Refusals<Phase, Reply>() {
                @Override
                public Reply unknown(String verb) {
                    return NOT_IMPLEMENTED.contains(verb) ? FtpReplies.NOT_IMPLEMENTED : FtpReplies.UNKNOWN;
                }

                @Override
                public Reply wrongPhase(String verb, Phase phase) {
                    return switch (phase) {
                        case NOT_LOGGED_IN -> verb.equals("PASS") ? FtpReplies.USER_FIRST : FtpReplies.NOT_LOGGED_IN;
                        case NEED_PASSWORD -> FtpReplies.NOT_LOGGED_IN;
                        case LOGGED_IN, RENAMING -> verb.equals("RNTO") ? FtpReplies.RNFR_FIRST
                                : verb.equals("USER") || verb.equals("PASS") ? FtpReplies.ALREADY_LOGGED_IN
                                : FtpReplies.BAD_SEQUENCE;
                    };
                }
            });
}
