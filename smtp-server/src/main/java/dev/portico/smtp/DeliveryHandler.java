package dev.portico.smtp;

import dev.portico.core.Reply;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where accepted mail goes. The SMTP session calls {@link #checkRecipient} for each RCPT and
 * {@link #deliver} once per message, from the session's own thread; implementations shared by
 * sessions must be thread-safe. {@link LocalDelivery} (the Maildir) is the default;
 * an embedding test can pass its own to {@link SmtpServer} to capture messages in memory.
 */
public interface DeliveryHandler {

    /**
     * Accepts or refuses one recipient. A reply of 2xx accepts it; anything else is sent to the
     * client as is. The default accepts every address.
     */
    default Reply checkRecipient(SmtpContext ctx, String address) {
        return SmtpReplies.RECIPIENT_OK;
    }

    /**
     * Takes one message. The body holds CR LF lines, the trace header first, dot-stuffing already
     * removed; it can be read once. Return a 2xx reply only when the message is safe (it is sent
     * to the client as the answer to DATA or the last BDAT); an IOException becomes 451 4.3.0.
     */
    Reply deliver(SmtpContext ctx, Envelope envelope, InputStream body) throws IOException;

    /**
     * Whether accepting {@code address} would send mail onward to another server (relaying). The
     * session asks before {@link #checkRecipient}: for such an address a session without relay
     * permission ({@link dev.portico.smtp.relay.RelayPolicy#mayRelay}: AUTH or
     * {@code smtp.relay.networks}) gets 554 5.7.1 and the handler never sees it. The default says
     * no: the handler is the final destination of all it accepts (Maildirs, a test capturing mail).
     * A handler that queues mail for other domains answers true for them.
     */
    default boolean relays(String address) {
        return false;
    }
}
