package dev.portico.smtp;

import dev.portico.core.BareLineEndingException;
import dev.portico.core.CommandBudget;
import dev.portico.core.CommandLine;
import dev.portico.core.CommandSession;
import dev.portico.core.CommandTable;
import dev.portico.core.LineConnection;
import dev.portico.core.LogSafe;
import dev.portico.core.Verb;
import dev.portico.core.LineEnding;
import dev.portico.core.LineTooLongException;
import dev.portico.core.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * One SMTP connection: its phase, the client's name, TLS and AUTH state, and the mail
 * transaction in progress (RFC 5321 3.3). Belongs to whichever thread runs its connection's step.
 */
final class SmtpSession implements CommandTable.SessionState<SmtpSession.Phase>, CommandSession {

    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    /** Where the session stands in RFC 5321's sequence of commands. */
    enum Phase {
        /** Greeting sent, no EHLO/HELO yet (again after STARTTLS, RFC 3207 4.2). */
        CONNECTED,
        /** EHLO/HELO done, no transaction. */
        GREETED,
        /** MAIL accepted, no recipient yet. */
        MAIL,
        /** At least one recipient accepted. */
        RCPT,
        /** A BDAT chunk without LAST was received (RFC 3030): only BDAT continues the message. */
        BDAT
    }

    final SmtpEnvironment env;
    final LineConnection connection;
    final boolean submission;
    /** Unknown verbs, over-long and badly ended lines: {@code smtp.max-unknown-commands}, then 421 and close. */
    private final CommandBudget badCommands;

    Phase phase = Phase.CONNECTED;
    String heloName;
    boolean esmtp;
    String authUser;
    int authFailures;
    int messages;

    // The mail transaction: reset by RSET, EHLO/HELO, STARTTLS and the end of each message.
    String sender;
    /** System.nanoTime() of the MAIL command that began the transaction. */
    long transactionStart;
    final List<Envelope.Recipient> recipients = new ArrayList<>();
    /** RET= and ENVID= of MAIL (RFC 3461), or null. */
    Dsn.Ret ret;
    String envelopeId;
    long declaredSize = -1;
    String body = "7BIT";
    boolean smtpUtf8;
    SmtpDataCommands.Chunks chunks;

    SmtpSession(SmtpEnvironment env, LineConnection connection, boolean submission) {
        this.env = env;
        this.connection = connection;
        this.submission = submission;
        this.badCommands = new CommandBudget(env.config().maxUnknownCommands());
    }

    /** Starts the session: the greeting. Its commands then come one {@link #step} at a time. */
    SmtpSession open() throws IOException {
        connection.setLineEnding(LineEnding.STRICT_CRLF);
        connection.send(SmtpReplies.greeting(env.hostname()));
        return this;
    }

    @Override
    public void end() {
        resetTransaction();
    }

    @Override
    public boolean step() throws IOException {
        Reply reply;
        try {
            String line = connection.readLine();
            if (line == null) return false;
            reply = handle(line);
        } catch (LineTooLongException e) {
            reply = SmtpVerb.TABLE.badInput(this, SmtpReplies.LINE_TOO_LONG);
        } catch (BareLineEndingException e) {
            reply = SmtpVerb.TABLE.badInput(this, SmtpReplies.BARE_LINE_ENDING);
        } catch (SocketTimeoutException e) {
            // idleness, a command line dribbled past the command timeout, or a body under the minimum rate
            log.info("{} timeout: {}", connection, e.getMessage());
            reply = SmtpReplies.idleTimeout(env.hostname());
        }
        if (reply == null) return true;             // the handler has answered (STARTTLS)
        connection.write(reply);
        if (reply.close()) {
            connection.flush();
            return false;
        }
        // RFC 2920 3.2: answers to a pipelined group go out together.
        if (!connection.hasBufferedInput()) connection.flush();
        return true;
    }

    private Reply handle(String line) throws IOException {
        CommandLine command = CommandLine.parse(line);
        if (log.isDebugEnabled()) log.debug("{} <<< {}", connection, command.verb().equals("AUTH") ? "AUTH ..." : LogSafe.text(line));
        return SmtpVerb.TABLE.dispatch(this, command);
    }

    @Override
    public Phase phase() {
        return phase;
    }

    /** {@code smtp.tls.required} on a connection without STARTTLS yet; only verbs with the TLS gate ask. */
    @Override
    public boolean tlsMissing(Verb<?, Phase, ?> verb) {
        return env.config().tlsRequired() && !connection.isSecure();
    }

    /** The submission and implicit-TLS listeners take mail only from authenticated users (RFC 6409 4.3). */
    @Override
    public boolean loginMissing() {
        return submission && authUser == null;
    }

    @Override
    public CommandBudget badCommands() {
        return badCommands;
    }

    /** Ends the mail transaction, keeping the EHLO/HELO name (RFC 5321 4.1.1.5). */
    void resetTransaction() {
        sender = null;
        recipients.clear();
        declaredSize = -1;
        body = "7BIT";
        smtpUtf8 = false;
        ret = null;
        envelopeId = null;
        if (chunks != null) {
            chunks.close();
            chunks = null;
        }
        phase = heloName == null ? Phase.CONNECTED : Phase.GREETED;
    }

    /** RFC 3207 4.2: after the TLS handshake the client starts over with EHLO, knowing nothing. */
    void forgetAll() {
        heloName = null;
        esmtp = false;
        authUser = null;
        resetTransaction();
    }

    /** The accepted recipients' addresses, in RCPT order. */
    List<String> recipientAddresses() {
        return recipients.stream().map(Envelope.Recipient::address).toList();
    }

    SmtpContext context() {
        return new SmtpContext(connection.id(), connection.remote(), heloName, connection.isSecure(), authUser, submission,
                env.relay().mayRelay(authUser, connection.remote().getAddress()));
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
