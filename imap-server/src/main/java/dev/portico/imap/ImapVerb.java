package dev.portico.imap;

import dev.portico.core.CommandLine;
import dev.portico.core.CommandTable;
import dev.portico.core.Verb;
import dev.portico.imap.ImapSession.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.Set;

import static dev.portico.imap.ImapSession.Phase.AUTHENTICATED;
import static dev.portico.imap.ImapSession.Phase.NOT_AUTHENTICATED;
import static dev.portico.imap.ImapSession.Phase.SELECTED;

/**
 * The IMAP command table: every command of RFC 9051 and the extensions announced, the states it
 * is valid in (RFC 9051 6: any state, not authenticated, authenticated, selected; nothing runs
 * in LOGOUT), its gates and its handler. {@code UID FETCH} and the other UID commands are rows
 * of their own ({@code UID_FETCH}). Commands not listed get {@link ImapReplies#UNKNOWN_COMMAND}
 * and spend the session's budget.
 */
enum ImapVerb implements Verb<ImapSession, Phase, ImapReply> {
    CAPABILITY(ANY(), ImapAuthCommands::capability),
    NOOP(ANY(), ImapAuthCommands::noop),
    LOGOUT(ANY(), ImapAuthCommands::logout),
    ID(ANY(), ImapAuthCommands::id),                                           // RFC 2971
    STARTTLS(EnumSet.of(NOT_AUTHENTICATED), ImapAuthCommands::starttls),
    LOGIN(EnumSet.of(NOT_AUTHENTICATED), ImapAuthCommands::login, Gate.TLS),   // LOGINDISABLED
    AUTHENTICATE(EnumSet.of(NOT_AUTHENTICATED), ImapAuthCommands::authenticate, Gate.TLS),
    ENABLE(AUTHED(), ImapAuthCommands::enable),                                // RFC 5161
    NAMESPACE(AUTHED(), ImapMailboxCommands::namespace),
    SELECT(AUTHED(), ImapMailboxCommands::select),
    EXAMINE(AUTHED(), ImapMailboxCommands::examine),
    CREATE(AUTHED(), ImapMailboxCommands::create),
    DELETE(AUTHED(), ImapMailboxCommands::delete),
    RENAME(AUTHED(), ImapMailboxCommands::rename),
    SUBSCRIBE(AUTHED(), ImapMailboxCommands::subscribe),
    UNSUBSCRIBE(AUTHED(), ImapMailboxCommands::unsubscribe),
    LIST(AUTHED(), ImapMailboxCommands::list),
    LSUB(AUTHED(), ImapMailboxCommands::lsub),
    STATUS(AUTHED(), ImapMailboxCommands::status),
    APPEND(AUTHED(), ImapMailboxCommands::append),
    IDLE(AUTHED(), ImapMessageCommands::idle),                                // RFC 2177
    CHECK(EnumSet.of(SELECTED), ImapMessageCommands::check),
    CLOSE(EnumSet.of(SELECTED), ImapMessageCommands::close),
    UNSELECT(EnumSet.of(SELECTED), ImapMessageCommands::unselect),
    EXPUNGE(EnumSet.of(SELECTED), ImapMessageCommands::expunge),
    UID_EXPUNGE(EnumSet.of(SELECTED), ImapMessageCommands::uidExpunge),       // RFC 4315
    SEARCH(EnumSet.of(SELECTED), ImapMessageCommands::search),
    UID_SEARCH(EnumSet.of(SELECTED), ImapMessageCommands::uidSearch),
    FETCH(EnumSet.of(SELECTED), ImapMessageCommands::fetch),
    UID_FETCH(EnumSet.of(SELECTED), ImapMessageCommands::uidFetch),
    STORE(EnumSet.of(SELECTED), ImapMessageCommands::store),
    UID_STORE(EnumSet.of(SELECTED), ImapMessageCommands::uidStore),
    COPY(EnumSet.of(SELECTED), ImapMessageCommands::copy),
    UID_COPY(EnumSet.of(SELECTED), ImapMessageCommands::uidCopy),
    MOVE(EnumSet.of(SELECTED), ImapMessageCommands::move),                    // RFC 6851
    UID_MOVE(EnumSet.of(SELECTED), ImapMessageCommands::uidMove);

    private static Set<Phase> ANY() {
        return EnumSet.of(NOT_AUTHENTICATED, AUTHENTICATED, SELECTED);
    }

    private static Set<Phase> AUTHED() {
        return EnumSet.of(AUTHENTICATED, SELECTED);
    }

    private final Row<ImapSession, Phase, ImapReply> row;

    ImapVerb(Set<Phase> phases, CommandTable.Handler<ImapSession, ImapReply> handler, Gate... gates) {
        this.row = Row.of(phases, handler, gates);
    }

    @Override
    public Row<ImapSession, Phase, ImapReply> row() {
        return row;
    }

    /**
     * Whether the session may announce expunges after {@code verb} (RFC 9051 7.5.1): not during
     * FETCH, STORE and SEARCH by message number, whose numbers the client may be relying on.
     */
    static boolean mayExpunge(String verb) {
        return !(verb.equals("FETCH") || verb.equals("STORE") || verb.equals("SEARCH"));
    }

    private static final Logger log = LoggerFactory.getLogger(ImapVerb.class);

    private static final CommandTable.Refusals<ImapSession, Phase, ImapReply> REFUSALS = new CommandTable.Refusals<>() {
        @Override
        public ImapReply unknown(ImapSession s, String verb) {
            return ImapReplies.UNKNOWN_COMMAND;
        }

        @Override
        public ImapReply wrongPhase(ImapSession s, CommandLine line, Phase phase) {
            return switch (phase) {
                case NOT_AUTHENTICATED -> ImapReplies.LOGIN_FIRST;
                case AUTHENTICATED -> EnumSet.of(NOT_AUTHENTICATED).containsAll(ImapVerb.valueOf(line.verb()).row().phases())
                        ? ImapReplies.ALREADY_AUTHENTICATED : ImapReplies.SELECT_FIRST;
                case SELECTED -> ImapReplies.ALREADY_AUTHENTICATED;
                case LOGOUT -> ImapReplies.LOGGING_OUT;
            };
        }

        @Override
        public ImapReply tlsRequired(ImapSession s, Verb<ImapSession, Phase, ImapReply> verb) {
            return ImapReplies.LOGIN_DISABLED;
        }

        @Override
        public ImapReply tooManyBadCommands(ImapSession s) {
            log.info("{} closed after {} bad commands", s, s.badCommands().spent());
            return ImapReplies.TOO_MANY_BAD;
        }

        @Override
        public ImapReply localError(ImapSession s, String verb) {
            return ImapReplies.LOCAL_ERROR;
        }
    };

    /** The table every session dispatches through: the only place commands are looked up and gated. */
    static final CommandTable<ImapSession, Phase, ImapReply> TABLE = CommandTable.of(ImapVerb.class, ImapReply.class, REFUSALS);
}
