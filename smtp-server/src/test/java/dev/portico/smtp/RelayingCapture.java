package dev.portico.smtp;

import dev.portico.core.Reply;
import dev.portico.core.mail.MailDomains;
import dev.portico.smtp.relay.RelayPolicy;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A delivery handler shaped like the relay queue's: it accepts every recipient, says it relays
 * those outside the test domain ({@code localhost}), and keeps each message in memory. With it a
 * refusal can only come from the session's relay rules.
 */
final class RelayingCapture implements DeliveryHandler {

    record Captured(SmtpContext ctx, Envelope envelope, byte[] body) {}

    final ConcurrentLinkedQueue<Captured> messages = new ConcurrentLinkedQueue<>();
    private final RelayPolicy local = new RelayPolicy(java.util.List.of(), java.util.Map.of(), MailDomains.of("localhost"));

    @Override
    public boolean relays(String address) {
        return !local.isLocal(address);
    }

    @Override
    public Reply deliver(SmtpContext ctx, Envelope envelope, InputStream body) throws IOException {
        messages.add(new Captured(ctx, envelope, body.readAllBytes()));
        return SmtpReplies.DELIVERED;
    }
}
