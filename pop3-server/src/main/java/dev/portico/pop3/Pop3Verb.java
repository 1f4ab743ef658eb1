package dev.portico.pop3;

import dev.portico.core.CommandLine;
import dev.portico.core.CommandTable;
import dev.portico.core.Verb;
import dev.portico.pop3.Pop3Session.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.Set;

import static dev.portico.pop3.Pop3Session.Phase.AUTHORIZATION;
import static dev.portico.pop3.Pop3Session.Phase.TRANSACTION;

/**
 * The POP3 command table: every verb, the states it is valid in (RFC 1939 §3: nothing is valid
 * in UPDATE, which only exists while QUIT applies the deletions), its gates and its handler.
 * Verbs not listed get {@link Pop3Replies#UNKNOWN_COMMAND} and spend the session's budget.
 */
enum Pop3Verb implements Verb<Pop3Session, Phase, Pop3Reply> {
    CAPA(EnumSet.of(AUTHORIZATION, TRANSACTION), Pop3AuthCommands::capa),   // RFC 2449 §5
    USER(EnumSet.of(AUTHORIZATION), Pop3AuthCommands::user, Gate.TLS),
    PASS(EnumSet.of(AUTHORIZATION), Pop3AuthCommands::pass, Gate.TLS),
    APOP(EnumSet.of(AUTHORIZATION), Pop3AuthCommands::apop),
    // RFC 5034. The TLS gate covers the bare AUTH (RFC 1734 mechanism listing) too: while TLS is
    // required it is refused like AUTH PLAIN, as CAPA hides SASL then.
    AUTH(EnumSet.of(AUTHORIZATION), Pop3AuthCommands::auth, Gate.TLS),
    STLS(EnumSet.of(AUTHORIZATION), Pop3AuthCommands::stls),                 // RFC 2595 §4
    STAT(EnumSet.of(TRANSACTION), Pop3MailCommands::stat),
    LIST(EnumSet.of(TRANSACTION), Pop3MailCommands::list),
    RETR(EnumSet.of(TRANSACTION), Pop3MailCommands::retr),
    DELE(EnumSet.of(TRANSACTION), Pop3MailCommands::dele),
    NOOP(EnumSet.of(TRANSACTION), Pop3MailCommands::noop),
    RSET(EnumSet.of(TRANSACTION), Pop3MailCommands::rset),
    TOP(EnumSet.of(TRANSACTION), Pop3MailCommands::top),
    UIDL(EnumSet.of(TRANSACTION), Pop3MailCommands::uidl),
    QUIT(EnumSet.of(AUTHORIZATION, TRANSACTION), Pop3MailCommands::quit);

    private final Row<Pop3Session, Phase, Pop3Reply> row;

    Pop3Verb(Set<Phase> phases, CommandTable.Handler<Pop3Session, Pop3Reply> handler, Gate... gates) {
        this.row = Row.of(phases, handler, gates);
    }

    @Override
    public Row<Pop3Session, Phase, Pop3Reply> row() {
        return row;
    }

    private static final Logger log = LoggerFactory.getLogger(Pop3Verb.class);

    /** What the table answers when it refuses a line itself. */
    private static final CommandTable.Refusals<Pop3Session, Phase, Pop3Reply> REFUSALS = new CommandTable.Refusals<>() {
        @Override
        public Pop3Reply unknown(Pop3Session s, String verb) {
            return Pop3Replies.UNKNOWN_COMMAND;
        }

        @Override
        public Pop3Reply wrongPhase(Pop3Session s, CommandLine line, Phase phase) {
            return phase == AUTHORIZATION ? Pop3Replies.LOGIN_FIRST : Pop3Replies.ALREADY_LOGGED_IN;
        }

        @Override
        public Pop3Reply tlsRequired(Pop3Session s, Verb<Pop3Session, Phase, Pop3Reply> verb) {
            return Pop3Replies.TLS_REQUIRED;
        }

        @Override
        public Pop3Reply tooManyBadCommands(Pop3Session s) {
            log.info("{} closed after {} bad commands", s, s.badCommands().spent());
            return Pop3Replies.TOO_MANY_UNKNOWN;
        }

        @Override
        public Pop3Reply localError(Pop3Session s, String verb) {
            return Pop3Replies.LOCAL_ERROR;
        }
    };

    /** The table every session dispatches through: the only place verbs are looked up and gated. */
    static final CommandTable<Pop3Session, Phase, Pop3Reply> TABLE = CommandTable.of(Pop3Verb.class, Pop3Reply.class, REFUSALS);
}
