package dev.portico.smtp;

import dev.portico.core.CommandLine;
import dev.portico.core.CommandTable;
import dev.portico.core.Reply;
import dev.portico.core.Verb;
import dev.portico.smtp.SmtpSession.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The SMTP command table: every verb the server knows, the session phases it is allowed in, its
 * gates and its handler. {@link #TABLE} applies all of it to each command line; the handlers never
 * re-check it. Unknown verbs get 500 5.5.2 and spend the session's budget; verbs in the wrong
 * phase get the 503 (or 554) of {@link #outOfPhase}. {@link Verb.Gate#TLS} refuses while
 * {@code smtp.tls.required} is set and STARTTLS has not run; {@link Verb.Gate#LOGIN} refuses MAIL
 * on the submission listener before AUTH (RFC 6409 4.3).
 */
enum SmtpVerb implements Verb<SmtpSession, Phase, Reply> {
    EHLO(all(), SmtpCommands::ehlo),
    HELO(all(), SmtpCommands::helo),
    STARTTLS(EnumSet.of(Phase.GREETED), SmtpCommands::starttls),
    AUTH(EnumSet.of(Phase.GREETED), SmtpAuthCommands::auth, Gate.TLS),
    MAIL(EnumSet.of(Phase.GREETED), SmtpMailCommands::mail, Gate.TLS, Gate.LOGIN),
    RCPT(EnumSet.of(Phase.MAIL, Phase.RCPT), SmtpMailCommands::rcpt),
    DATA(EnumSet.of(Phase.RCPT), SmtpDataCommands::data),
    /** Refused out of phase like DATA, but only after its chunk was read (RFC 3030 2): see {@link #REFUSALS}. */
    BDAT(EnumSet.of(Phase.RCPT, Phase.BDAT), SmtpDataCommands::bdat),
    RSET(all(), SmtpCommands::rset),
    NOOP(all(), SmtpCommands::noop),
    QUIT(all(), SmtpCommands::quit),
    VRFY(all(), SmtpCommands::vrfy),
    EXPN(all(), SmtpCommands::expn),
    HELP(all(), SmtpCommands::help);

    private final Row<SmtpSession, Phase, Reply> row;

    SmtpVerb(Set<Phase> phases, CommandTable.Handler<SmtpSession, Reply> handler, Gate... gates) {
        this.row = Row.of(phases, handler, gates);
    }

    @Override
    public Row<SmtpSession, Phase, Reply> row() {
        return row;
    }

    private static Set<Phase> all() {
        return EnumSet.allOf(Phase.class);
    }


    private static final Logger log = LoggerFactory.getLogger(SmtpVerb.class);

    /** What the table answers when it refuses a line itself. */
    private static final CommandTable.Refusals<SmtpSession, Phase, Reply> REFUSALS = new CommandTable.Refusals<>() {
        @Override
        public Reply unknown(SmtpSession s, String verb) {
            return SmtpReplies.UNKNOWN_COMMAND;
        }

        @Override
        public Reply wrongPhase(SmtpSession s, CommandLine line, Phase phase) throws IOException {
            if (line.verb().equals(BDAT.name())) {
                Reply unreadable = SmtpDataCommands.skipChunk(s, line.argument());
                if (unreadable != null) return unreadable;
            }
            return outOfPhase(line.verb(), phase);
        }

        @Override
        public Reply tlsRequired(SmtpSession s, Verb<SmtpSession, Phase, Reply> verb) {
            return SmtpReplies.TLS_REQUIRED;
        }

        @Override
        public Reply loginRequired(SmtpSession s, Verb<SmtpSession, Phase, Reply> verb) {
            return SmtpReplies.AUTH_REQUIRED;
        }

        @Override
        public Reply tooManyBadCommands(SmtpSession s) {
            log.info("{} too many bad commands, closing", s);
            return SmtpReplies.tooManyUnknown(s.env.hostname());
        }

        /** The table has logged the failure; the transaction it interrupted is dropped (RFC 5321 4.2.5: 451 is transient). */
        @Override
        public Reply localError(SmtpSession s, String verb) {
            s.resetTransaction();
            return SmtpReplies.LOCAL_ERROR;
        }
    };

    /** The one answer to a known verb sent in a phase that does not allow it; DATA and BDAT share theirs. */
    private static Reply outOfPhase(String verb, Phase phase) {
        if (phase == Phase.CONNECTED) return SmtpReplies.SEND_HELO_FIRST;
        return switch (verb) {
            case "MAIL" -> SmtpReplies.NESTED_MAIL;
            case "RCPT" -> phase == Phase.GREETED ? SmtpReplies.NEED_MAIL : SmtpReplies.BAD_SEQUENCE;
            case "DATA", "BDAT" -> switch (phase) {
                case GREETED -> SmtpReplies.NEED_MAIL;
                case MAIL -> SmtpReplies.NO_VALID_RECIPIENTS;     // RFC 2920 3.1: all RCPTs failed
                case BDAT -> SmtpReplies.DATA_AFTER_BDAT;
                default -> SmtpReplies.BAD_SEQUENCE;
            };
            case "AUTH", "STARTTLS" -> SmtpReplies.NOT_IN_TRANSACTION;
            default -> SmtpReplies.BAD_SEQUENCE;
        };
    }

    /** The table every session dispatches through: the only place verbs are looked up and gated. */
    static final CommandTable<SmtpSession, Phase, Reply> TABLE = CommandTable.of(SmtpVerb.class, Reply.class, REFUSALS);
}
