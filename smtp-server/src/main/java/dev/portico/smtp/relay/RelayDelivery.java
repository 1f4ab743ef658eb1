package dev.portico.smtp.relay;

import dev.portico.core.Reply;
import dev.portico.core.mail.MailDomains;
import dev.portico.smtp.DeliveryHandler;
import dev.portico.smtp.Envelope;
import dev.portico.smtp.SmtpContext;
import dev.portico.smtp.SmtpReplies;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivery with relay (ARCHITECTURE 3.10): each recipient in a local domain goes to the local
 * delivery, every other one, when the session may relay, to the {@link RelayQueue}. A message
 * with remote recipients is written into the queue first (one fsynced copy), local recipients get
 * it from that copy, and the envelope of the remote ones is committed last: the client's 250
 * means both are safe.
 */
public final class RelayDelivery implements DeliveryHandler {

    private final DeliveryHandler local;
    private final RelayQueue queue;
    private final MailDomains domains;

    public RelayDelivery(DeliveryHandler local, RelayQueue queue, MailDomains domains) {
        this.local = local;
        this.queue = queue;
        this.domains = domains;
    }

    @Override
    public Reply checkRecipient(SmtpContext ctx, String address) {
        if (isLocal(address)) return local.checkRecipient(ctx, address);
        return mayRelay(ctx) ? SmtpReplies.RECIPIENT_OK : SmtpReplies.RELAY_DENIED;
    }

    /**
     * The seam where relay permission is asked: authenticated sessions relay. The relay policy of
     * issue 11 (trusted networks, {@code smtp.relay.networks}) answers here once merged.
     */
    private boolean mayRelay(SmtpContext ctx) {
        return ctx.authenticatedUser() != null;
    }

    /** A local domain (or a local part without one): delivered here, never relayed. */
    private boolean isLocal(String address) {
        return address.indexOf('@') < 0 || domains.localPart(address).isPresent();
    }

    @Override
    public Reply deliver(SmtpContext ctx, Envelope envelope, InputStream body) throws IOException {
        List<String> here = new ArrayList<>();
        List<String> onward = new ArrayList<>();
        for (String r : envelope.recipients()) (isLocal(r) ? here : onward).add(r);
        if (onward.isEmpty()) return local.deliver(ctx, envelope, body);
        if (!mayRelay(ctx)) return SmtpReplies.RELAY_DENIED;
        RelayQueue.Incoming incoming = queue.write(body);
        try {
            if (!here.isEmpty()) {
                Envelope mine = new Envelope(envelope.sender(), here, envelope.declaredSize(), envelope.body(), envelope.smtpUtf8());
                Reply r;
                try (InputStream in = incoming.open()) {
                    r = local.deliver(ctx, mine, in);
                }
                // A local failure fails the message for all: the client sends it again, to everyone.
                if (!r.isPositive()) {
                    incoming.abandon();
                    return r;
                }
            }
            incoming.commit(envelope, onward, ctx.authenticatedUser());
        } catch (IOException | RuntimeException e) {
            incoming.abandon();
            throw e;
        }
        return Reply.of(250, "2.0.0 Ok: queued as " + incoming.id());
    }
}
