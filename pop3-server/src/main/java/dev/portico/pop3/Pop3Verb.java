package dev.portico.pop3;

import dev.portico.core.CommandTable;
import dev.portico.pop3.Pop3Session.Phase;

import java.util.EnumSet;
import java.util.Set;

import static dev.portico.pop3.Pop3Session.Phase.AUTHORIZATION;
import static dev.portico.pop3.Pop3Session.Phase.TRANSACTION;

/**
 * Every POP3 verb, the states it is valid in (RFC 1939 §3: nothing is valid in UPDATE, which only
 * exists while QUIT applies the deletions) and its handler. Verbs not listed get
 * {@link Pop3Replies#UNKNOWN_COMMAND}.
 */
enum Pop3Verb {
    CAPA(EnumSet.of(AUTHORIZATION, TRANSACTION), Pop3AuthCommands::capa),   // RFC 2449 §5
    USER(EnumSet.of(AUTHORIZATION), Pop3AuthCommands::user),
    PASS(EnumSet.of(AUTHORIZATION), Pop3AuthCommands::pass),
    APOP(EnumSet.of(AUTHORIZATION), Pop3AuthCommands::apop),
    AUTH(EnumSet.of(AUTHORIZATION), Pop3AuthCommands::auth),                 // RFC 5034
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

    final Set<Phase> phases;
    final CommandTable.Handler<Pop3Session, Pop3Reply> handler;

    Pop3Verb(Set<Phase> phases, CommandTable.Handler<Pop3Session, Pop3Reply> handler) {
        this.phases = phases;
        this.handler = handler;
    }

    /** The table every session dispatches through; wrong-state answers are decided here only. */
    static final CommandTable<Pop3Session, Phase, Pop3Reply> TABLE = CommandTable.of(Pop3Verb.class,
            v -> v.phases, v -> v.handler, new CommandTable.Refusals<Phase, Pop3Reply>() {
                @Override public Pop3Reply unknown(String verb) {
                    return Pop3Replies.UNKNOWN_COMMAND;
                }
                @Override public Pop3Reply wrongPhase(String verb, Phase phase) {
                    return phase == AUTHORIZATION ? Pop3Replies.LOGIN_FIRST : Pop3Replies.ALREADY_LOGGED_IN;
                }
            });
}
