package dev.portico.smtp;

import dev.portico.core.Reply;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Accepts every recipient and drops every message after reading it: the smtp-sink of Portico,
 * for benchmarks that measure the protocol without the disk ({@code smtp.delivery=discard}).
 */
public final class DiscardDelivery implements DeliveryHandler {

    @Override
    public Reply deliver(SmtpContext ctx, Envelope envelope, InputStream body) throws IOException {
        body.transferTo(OutputStream.nullOutputStream());
        return SmtpReplies.DELIVERED;
    }
}
