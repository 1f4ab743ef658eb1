package dev.portico.smtp;

import dev.portico.core.CommandTable;
import dev.portico.core.Reply;
import dev.portico.smtp.SmtpSession.Phase;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every SMTP verb the server knows: the session phases it is allowed in, whether
 * {@code smtp.tls.required} gates it, and its handler. Verbs not listed get 500 5.5.2 from the
 * {@link CommandTable}; verbs in the wrong phase get 503 5.5.1 from {@link SmtpSession}'s refusals.
 */
enum SmtpVerb {
    EHLO(all(), false, SmtpCommands::ehlo),
    HELO(all(), false, SmtpCommands::helo),
    STARTTLS(EnumSet.of(Phase.GREETED), false, SmtpCommands::starttls),
    AUTH(EnumSet.of(Phase.GREETED), true, SmtpAuthCommands::auth),
    MAIL(EnumSet.of(Phase.GREETED), true, SmtpMailCommands::mail),
    RCPT(EnumSet.of(Phase.MAIL, Phase.RCPT), false, SmtpMailCommands::rcpt),
    DATA(EnumSet.of(Phase.RCPT), false, SmtpDataCommands::data),
    /** Allowed everywhere: its chunk must be read even when it is refused (RFC 3030 2). */
    BDAT(all(), false, SmtpDataCommands::bdat),
    RSET(all(), false, SmtpCommands::rset),
    NOOP(all(), false, SmtpCommands::noop),
    QUIT(all(), false, SmtpCommands::quit),
    VRFY(all(), false, SmtpCommands::vrfy),
    EXPN(all(), false, SmtpCommands::expn),
    HELP(all(), false, SmtpCommands::help);

    final Set<Phase> phases;
    final boolean needsTls;
    final CommandTable.Handler<SmtpSession, Reply> handler;

    SmtpVerb(Set<Phase> phases, boolean needsTls, CommandTable.Handler<SmtpSession, Reply> handler) {
        this.phases = phases;
        this.needsTls = needsTls;
        this.handler = handler;
    }

    private static Set<Phase> all() {
        return EnumSet.allOf(Phase.class);
    }
}
