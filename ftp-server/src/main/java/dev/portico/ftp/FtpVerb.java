package dev.portico.ftp;

import dev.portico.core.CommandLine;
import dev.portico.core.CommandTable;
import dev.portico.core.Reply;
import dev.portico.core.Verb;
import dev.portico.ftp.FtpSession.Phase;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every FTP verb we answer: the phases it is allowed in, its handler and its gates. Aliases
 * (XPWD, RFC 1123 §4.1.3.1) are rows of their own. {@link Verb.Gate#TLS} refuses USER and PASS
 * on a plain control connection and the data verbs without PROT P when {@code ftp.tls.required};
 * {@link Verb.Gate#DURING_TRANSFER} lets ABOR, STAT and NOOP run while a transfer is in progress.
 * Verbs not listed get 500, RFC 959 verbs we leave out get 502.
 */
enum FtpVerb implements Verb<FtpSession, Phase, Reply> {
    // login and session (FtpLoginCommands)
    USER(Sets.LOGIN, FtpLoginCommands::user, Gate.TLS),
    PASS(EnumSet.of(Phase.NEED_PASSWORD), FtpLoginCommands::pass, Gate.TLS),
    ACCT(Sets.ANY, FtpLoginCommands::acct),
    QUIT(Sets.ANY, FtpLoginCommands::quit),
    NOOP(Sets.ANY, FtpLoginCommands::noop, Gate.DURING_TRANSFER),
    SYST(Sets.ANY, FtpLoginCommands::syst),
    FEAT(Sets.ANY, FtpLoginCommands::feat),
    OPTS(Sets.ANY, FtpLoginCommands::opts),
    HELP(Sets.ANY, FtpLoginCommands::help),
    SITE(Sets.IN, FtpLoginCommands::site),
    AUTH(Sets.ANY, FtpLoginCommands::auth),
    PBSZ(Sets.ANY, FtpLoginCommands::pbsz),
    PROT(Sets.ANY, FtpLoginCommands::prot),
    CCC(Sets.ANY, FtpLoginCommands::ccc),
    // directories and names (FtpDirectoryCommands)
    PWD(Sets.IN, FtpDirectoryCommands::pwd),
    XPWD(Sets.IN, FtpDirectoryCommands::pwd),
    CWD(Sets.IN, FtpDirectoryCommands::cwd),
    XCWD(Sets.IN, FtpDirectoryCommands::cwd),
    CDUP(Sets.IN, FtpDirectoryCommands::cdup),
    XCUP(Sets.IN, FtpDirectoryCommands::cdup),
    MKD(Sets.IN, FtpDirectoryCommands::mkd),
    XMKD(Sets.IN, FtpDirectoryCommands::mkd),
    RMD(Sets.IN, FtpDirectoryCommands::rmd),
    XRMD(Sets.IN, FtpDirectoryCommands::rmd),
    DELE(Sets.IN, FtpDirectoryCommands::dele),
    RNFR(Sets.IN, FtpDirectoryCommands::rnfr),
    RNTO(EnumSet.of(Phase.RENAMING), FtpDirectoryCommands::rnto),
    SIZE(Sets.IN, FtpDirectoryCommands::size),
    MDTM(Sets.IN, FtpDirectoryCommands::mdtm),
    MFMT(Sets.IN, FtpDirectoryCommands::mfmt),
    // data connection and parameters (FtpDataCommands)
    TYPE(Sets.IN, FtpDataCommands::type),
    MODE(Sets.IN, FtpDataCommands::mode),
    STRU(Sets.IN, FtpDataCommands::stru),
    ALLO(Sets.IN, FtpDataCommands::allo),
    REST(Sets.IN, FtpDataCommands::rest),
    PASV(Sets.IN, FtpDataCommands::pasv),
    EPSV(Sets.IN, FtpDataCommands::epsv),
    PORT(Sets.IN, FtpDataCommands::port),
    EPRT(Sets.IN, FtpDataCommands::eprt),
    ABOR(Sets.IN, FtpDataCommands::abor, Gate.DURING_TRANSFER),
    // transfers and listings (FtpTransferCommands)
    RETR(Sets.IN, FtpTransferCommands::retr, Channel.DATA, Gate.TLS),
    STOR(Sets.IN, FtpTransferCommands::stor, Channel.DATA, Gate.TLS),
    APPE(Sets.IN, FtpTransferCommands::appe, Channel.DATA, Gate.TLS),
    STOU(Sets.IN, FtpTransferCommands::stou, Channel.DATA, Gate.TLS),
    LIST(Sets.IN, FtpTransferCommands::list, Channel.DATA, Gate.TLS),
    NLST(Sets.IN, FtpTransferCommands::nlst, Channel.DATA, Gate.TLS),
    MLSD(Sets.IN, FtpTransferCommands::mlsd, Channel.DATA, Gate.TLS),
    MLST(Sets.IN, FtpTransferCommands::mlst),
    STAT(Sets.IN, FtpTransferCommands::stat, Gate.DURING_TRANSFER);

    /**
     * Which connection a verb's TLS gate is about: the data verbs need PROT P (RFC 4217 §9), the
     * others (USER, PASS) a TLS control connection.
     */
    enum Channel { CONTROL, DATA }

    /** RFC 959 verbs this server knows of and does not do: 502 rather than 500. */
    private static final Set<String> NOT_IMPLEMENTED = Set.of("REIN", "SMNT");

    private static final class Sets {
        static final Set<Phase> ANY = EnumSet.allOf(Phase.class);
        static final Set<Phase> LOGIN = EnumSet.of(Phase.NOT_LOGGED_IN, Phase.NEED_PASSWORD);
        static final Set<Phase> IN = EnumSet.of(Phase.LOGGED_IN);
    }

    private final Row<FtpSession, Phase, Reply> row;
    final Channel channel;

    FtpVerb(Set<Phase> phases, CommandTable.Handler<FtpSession, Reply> handler, Gate... gates) {
        this(phases, handler, Channel.CONTROL, gates);
    }

    FtpVerb(Set<Phase> phases, CommandTable.Handler<FtpSession, Reply> handler, Channel channel, Gate... gates) {
        this.row = Row.of(phases, handler, gates);
        this.channel = channel;
    }

    @Override
    public Row<FtpSession, Phase, Reply> row() {
        return row;
    }

    /** Whether the verb moves data over a data connection (its TLS gate asks for PROT P). */
    static boolean opensData(Verb<?, Phase, ?> verb) {
        return verb instanceof FtpVerb v && v.channel == Channel.DATA;
    }

    /** FTP's wording for what the table refuses. FTP sets no bad-command budget: unknown verbs never close a session. */
    private static final CommandTable.Refusals<FtpSession, Phase, Reply> REFUSALS = new CommandTable.Refusals<>() {
        @Override
        public Reply unknown(FtpSession session, String verb) {
            return NOT_IMPLEMENTED.contains(verb) ? FtpReplies.NOT_IMPLEMENTED : FtpReplies.UNKNOWN;
        }

        @Override
        public Reply wrongPhase(FtpSession session, CommandLine line, Phase phase) {
            String verb = line.verb();
            return switch (phase) {
                case NOT_LOGGED_IN -> verb.equals("PASS") ? FtpReplies.USER_FIRST : FtpReplies.NOT_LOGGED_IN;
                case NEED_PASSWORD -> FtpReplies.NOT_LOGGED_IN;
                case LOGGED_IN, RENAMING -> verb.equals("RNTO") ? FtpReplies.RNFR_FIRST
                        : verb.equals("USER") || verb.equals("PASS") ? FtpReplies.ALREADY_LOGGED_IN
                        : FtpReplies.BAD_SEQUENCE;
            };
        }

        /** A data verb without PROT P still uses up the PASV/PORT it came with, as any refused transfer does. */
        @Override
        public Reply tlsRequired(FtpSession session, Verb<FtpSession, Phase, Reply> verb) {
            if (!opensData(verb)) return FtpReplies.TLS_REQUIRED;
            session.closeDataChannel();
            return FtpReplies.DATA_TLS_REQUIRED;
        }

        @Override
        public Reply localError(FtpSession session, String verb) {
            return FtpReplies.LOCAL_ERROR;
        }
    };

    /** The single place that decides whether a command line may run. */
    static final CommandTable<FtpSession, Phase, Reply> TABLE = CommandTable.of(FtpVerb.class, Reply.class, REFUSALS);
}
