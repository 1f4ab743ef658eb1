package dev.portico.junit;

import dev.portico.core.Reply;
import dev.portico.smtp.DeliveryHandler;
import dev.portico.smtp.Envelope;
import dev.portico.smtp.LocalDelivery;
import dev.portico.smtp.SmtpContext;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test Portico's SMTP delivery: the server's own handler (strict or catch-all) does the
 * delivering; this one records each message it accepted in the {@link MailJournal}, and can fail
 * the next deliveries with a chosen reply or hold them back a while.
 */
final class RecordingDelivery implements DeliveryHandler {

    private final DeliveryHandler delegate;
    private final MailJournal journal;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile Reply failure;
    private volatile Duration delay = Duration.ZERO;

    RecordingDelivery(DeliveryHandler delegate, MailJournal journal) {
        this.delegate = delegate;
        this.journal = journal;
    }

    void failNext(int count, Reply reply) {
        failure = reply;
        failuresLeft.set(count);
    }

    void delay(Duration d) {
        delay = d;
    }

    void reset() {
        failuresLeft.set(0);
        delay = Duration.ZERO;
    }

    @Override
    public Reply checkRecipient(SmtpContext ctx, String address) {
        return delegate.checkRecipient(ctx, address);
    }

    /** Forwarded: the session's relay permission check depends on it (a wrapper answering false would relay for anyone). */
    @Override
    public boolean relays(String address) {
        return delegate.relays(address);
    }

    @Override
    public Reply deliver(SmtpContext ctx, Envelope envelope, InputStream body) throws IOException {
        Duration d = delay;
        if (!d.isZero()) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while holding the delivery back", e);
            }
        }
        if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            body.transferTo(OutputStream.nullOutputStream());
            return failure;
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(LocalDelivery.returnPath(envelope));
        Reply reply = delegate.deliver(ctx, envelope, new Tee(body, copy));
        if (reply.isPositive()) {
            journal.add(new ReceivedMail(envelope.sender(), envelope.recipients(), copy.toByteArray(), Instant.now()));
        }
        return reply;
    }

    /** Copies what the delegate reads. */
    private static final class Tee extends FilterInputStream {
        private final OutputStream copy;

        Tee(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) copy.write(b);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) copy.write(b, off, n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(8192, Math.max(0, n))];
            long done = 0;
            while (done < n) {
                int k = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (k < 0) break;
                done += k;
            }
            return done;
        }
    }
}
