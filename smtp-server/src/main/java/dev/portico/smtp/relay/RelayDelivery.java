package dev.portico.smtp.relay;

import dev.portico.core.Events;
import dev.portico.core.Reply;
import dev.portico.core.mail.MailDomains;
import dev.portico.smtp.DeliveryHandler;
import dev.portico.smtp.Envelope;
import dev.portico.smtp.LocalDelivery;
import dev.portico.smtp.SmtpConfig;
import dev.portico.smtp.SmtpContext;
import dev.portico.smtp.SmtpServer;
import dev.portico.smtp.dkim.Dkim;
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

    /**
     * The Maildir delivery of {@code shared} with a started queue in {@code store}: the local
     * delivery sends its reports for remote senders through the queue, and the queue its reports
     * for local senders through the local delivery; {@code dkim} (or null) signs what leaves.
     * Close {@link #queue()} when done.
     */
    public static RelayDelivery start(SmtpConfig config, SmtpServer.Shared shared, RelayConfig relay, QueueStore store,
                                      Events events, Dkim dkim) throws IOException {
        String hostname = SmtpServer.hostname(config, shared.domains());
        RelayQueue queue = new RelayQueue(relay, store, shared.domains(), hostname, events, dkim);
        LocalDelivery local = new LocalDelivery(shared.mail(), shared.domains(), shared.users(), config.catchAll(), hostname,
                queue::sendReport);
        queue.start(local::sendReport);
        return new RelayDelivery(local, queue, shared.domains());
    }

    /** The queue mail for other domains goes to. */
    public RelayQueue queue() {
        return queue;
    }

    /** The session asks {@link RelayPolicy} before a recipient this answers true for reaches {@link #checkRecipient}. */
    @Override
    public boolean relays(String address) {
        return !isLocal(address);
    }

    @Override
    public Reply checkRecipient(SmtpContext ctx, String address) {
        if (isLocal(address)) return local.checkRecipient(ctx, address);
        return ctx.mayRelay() ? SmtpReplies.RECIPIENT_OK : SmtpReplies.RELAY_DENIED;
    }

    /** A local domain (or a local part without one): delivered here, never relayed. */
    private boolean isLocal(String address) {
        return address.indexOf('@') < 0 || domains.localPart(address).isPresent();
    }

    @Override
    public Reply deliver(SmtpContext ctx, Envelope envelope, InputStream body) throws IOException {
        List<Envelope.Recipient> here = new ArrayList<>();
        List<Envelope.Recipient> onward = new ArrayList<>();
        for (Envelope.Recipient r : envelope.rcpts()) (isLocal(r.address()) ? here : onward).add(r);
        if (onward.isEmpty()) return local.deliver(ctx, envelope, body);
        if (!ctx.mayRelay()) return SmtpReplies.RELAY_DENIED;
        RelayQueue.Incoming incoming = queue.write(body);
        try {
            if (!here.isEmpty()) {
                Envelope mine = new Envelope(envelope.sender(), here, envelope.declaredSize(), envelope.body(), envelope.smtpUtf8(),
                        envelope.ret(), envelope.envelopeId());
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
