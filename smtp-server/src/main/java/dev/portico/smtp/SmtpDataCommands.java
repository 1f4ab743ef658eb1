package dev.portico.smtp;

import dev.portico.core.Events;
import dev.portico.core.LogSafe;
import dev.portico.core.MinDataRate;
import dev.portico.core.Reply;
import dev.portico.core.StorageFullException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The message text: DATA (RFC 5321 4.1.1.4) and BDAT (RFC 3030), both streamed through a
 * {@link MessageSink} into a {@link MessageSpool}, checked, given trace headers and handed to
 * the {@link DeliveryHandler}. The 250 goes out only after the handler returned.
 */
final class SmtpDataCommands {

    private static final Logger log = LoggerFactory.getLogger(SmtpDataCommands.class);
    /** Header sections larger than this are not MIME-parsed (Jakarta Mail holds headers in memory). */
    private static final long MIME_CHECK_MAX_HEADER = 1 << 20;

    private SmtpDataCommands() {}

    /** A BDAT message in progress; its rate is measured across chunks, the commands between them included. */
    record Chunks(MessageSpool spool, MessageSink sink, MinDataRate.Meter rate) {
        void close() {
            try {
                spool.close();
            } catch (IOException e) {
                log.warn("cannot remove spool file: {}", e.toString());
            }
        }
    }

    static Reply data(SmtpSession s, String arg) throws IOException {
        if (!arg.isEmpty()) return SmtpReplies.NO_ARGUMENTS;
        s.connection.send(SmtpReplies.START_DATA);
        MessageSpool spool = newSpool(s);
        try {
            MessageSink sink = newSink(s, spool);
            // Decoded in the connection's read buffer, each run handed to the sink from there.
            // Too slow: a SocketTimeoutException from the meter, answered 421 like idleness.
            new SmtpDataStream(s.connection.dataStream()).transferTo(sink::write, s.env.config().minDataRate().start());
            sink.finish();
            return complete(s, sink, spool);
        } finally {
            spool.close();
            s.resetTransaction();
        }
    }

    /** The arguments of {@code BDAT size [LAST]} (RFC 3030 2); null when they do not parse. */
    private record ChunkSize(long size, boolean last) {
        static ChunkSize parse(String arg) {
            String[] words = arg.strip().split(" +");
            if (words.length < 1 || words.length > 2 || !words[0].matches("[0-9]{1,18}")
                    || (words.length == 2 && !words[1].toUpperCase(Locale.ROOT).equals("LAST"))) {
                return null;
            }
            return new ChunkSize(Long.parseLong(words[0]), words.length == 2);
        }
    }

    /**
     * Reads and drops the chunk of a BDAT the command table refuses for its phase (RFC 3030 2: it
     * must be read even then, or its octets would be taken for commands). Null when the chunk was
     * dropped, {@link SmtpReplies#BDAT_SYNTAX} (which closes) when its size is unknown.
     */
    static Reply skipChunk(SmtpSession s, String arg) throws IOException {
        ChunkSize chunk = ChunkSize.parse(arg);
        if (chunk == null) return SmtpReplies.BDAT_SYNTAX;
        copy(s, chunk.size(), null, s.env.config().minDataRate().start());
        return null;
    }

    /** {@code BDAT size [LAST]} in phase RCPT or BDAT: the chunk joins the message, LAST delivers it. */
    static Reply bdat(SmtpSession s, String arg) throws IOException {
        ChunkSize chunk = ChunkSize.parse(arg);
        if (chunk == null) return SmtpReplies.BDAT_SYNTAX;   // without a size the chunk's end is unknown: closing is the only safe move
        long size = chunk.size();
        boolean last = chunk.last();
        if (s.chunks == null) {
            MessageSpool spool = newSpool(s);
            s.chunks = new Chunks(spool, newSink(s, spool), s.env.config().minDataRate().start());
            s.phase = SmtpSession.Phase.BDAT;
        }
        MessageSink sink = s.chunks.sink();
        copy(s, size, sink, s.chunks.rate());
        if (sink.tooBig()) {
            log.info("{} BDAT message over {} octets refused", s, s.env.config().maxMessageSize());
            ended(s, null, sink, SmtpReplies.MESSAGE_TOO_BIG, null);
            s.resetTransaction();
            return SmtpReplies.MESSAGE_TOO_BIG;
        }
        IOException spoolFailure = s.chunks.spool().failure();
        if (spoolFailure != null) {
            // RFC 3030 2: after a 4xx to a chunk the client sends no more chunks of this message.
            log.warn("{} BDAT message from <{}> cannot be spooled: {}", s, s.sender, spoolFailure.toString());
            Reply reply = ended(s, null, sink, storageFailure(spoolFailure), null);
            s.resetTransaction();
            return reply;
        }
        if (!last) return SmtpReplies.chunkReceived(size);
        try {
            sink.finish();
            return complete(s, sink, s.chunks.spool());
        } finally {
            s.resetTransaction();
        }
    }

    /** Reads exactly {@code size} octets of the connection into the sink, or drops them; {@code rate} may be null. */
    private static void copy(SmtpSession s, long size, MessageSink sink, MinDataRate.Meter rate) throws IOException {
        InputStream in = s.connection.dataStream();
        byte[] buf = new byte[(int) Math.min(8192, Math.max(1, size))];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new EOFException("connection closed inside BDAT");
            if (rate != null) rate.count(n);
            if (sink != null) sink.write(buf, 0, n);
            left -= n;
        }
    }

    private static MessageSpool newSpool(SmtpSession s) {
        return new MessageSpool(s.env.shared().spoolDir(), s.env.config().spoolMemory());
    }

    private static MessageSink newSink(SmtpSession s, MessageSpool spool) {
        SmtpConfig c = s.env.config();
        return new MessageSink(spool, c.bareLineEndings() == SmtpConfig.BareLineEndings.NORMALIZE, c.maxTextLine(),
                c.maxMessageSize());
    }

    /** The end of a message: refuse it, or add trace headers and hand it to the delivery handler. */
    private static Reply complete(SmtpSession s, MessageSink sink, MessageSpool spool) throws IOException {
        Reply refusal = sink.tooBig() ? SmtpReplies.MESSAGE_TOO_BIG
                : sink.bareLineEnding() ? SmtpReplies.BARE_LINE_ENDING_IN_DATA
                : sink.lineTooLong() ? SmtpReplies.TEXT_LINE_TOO_LONG
                : s.env.config().requireHeaders() && !(sink.hasDate() && sink.hasFrom()) ? SmtpReplies.MISSING_HEADERS
                : sink.receivedHeaders() > s.env.config().maxReceivedHeaders() ? SmtpReplies.LOOP_DETECTED
                : null;
        if (refusal != null) {
            log.info("{} message from <{}> refused ({} octets): {}", s, LogSafe.text(s.sender), sink.size(), refusal);
            return ended(s, null, sink, refusal, null);
        }
        if (spool.failure() != null) {
            log.warn("{} message from <{}> ({} octets) cannot be spooled: {}", s, s.sender, sink.size(),
                    spool.failure().toString());
            return ended(s, null, sink, storageFailure(spool.failure()), null);
        }
        // The check only informs the log about what gets stored; a discarding handler stores nothing.
        // Without MIME headers a message is one text/plain part in 7bit (RFC 2045 5.2, 6.1): nothing
        // to find, and the parse would cost as much as storing the message.
        if (s.env.config().mimeCheck() && s.env.config().delivery() != SmtpConfig.Delivery.DISCARD
                && sink.hasMimeHeaders() && sink.headerBytes() <= MIME_CHECK_MAX_HEADER) {
            try (InputStream in = spool.open()) {
                List<String> problems = MimeCheck.problems(in);
                if (!problems.isEmpty()) log.info("{} message from <{}> has MIME problems, delivered anyway: {}", s, LogSafe.text(s.sender), LogSafe.text(problems));
            }
        }
        String id = s.connection.id() + "." + (++s.messages);
        byte[] prefix = TraceHeaders.prefix(s, id, sink);
        Envelope envelope = new Envelope(s.sender, s.recipients, s.declaredSize, s.body, s.smtpUtf8, s.ret, s.envelopeId);
        long handedOver = System.nanoTime();
        try (InputStream body = new SequenceInputStream(new ByteArrayInputStream(prefix), spool.open())) {
            Reply reply = s.env.delivery().deliver(s.context(), envelope, body);
            log.info("{} message {} from <{}> to {} recipient(s), {} octets: {}", s, id, LogSafe.text(s.sender),
                    s.recipients.size(), sink.size(), reply);
            return ended(s, id, sink, reply, Duration.ofNanos(System.nanoTime() - handedOver));
        } catch (IOException e) {
            // A failing store is expected now and then: 452 when the disk is full, else 451, and a
            // short log line. Any other exception is a bug the command table logs with its stack
            // trace, answering 451 too.
            log.warn("{} delivery of message {} failed: {}", s, id, e.toString());
            return ended(s, id, sink, storageFailure(e), Duration.ofNanos(System.nanoTime() - handedOver));
        }
    }

    /**
     * Tells the observers (metrics, mail log) how the transaction ended, before the session
     * forgets it; returns {@code reply}, the final answer to DATA or the last BDAT.
     *
     * @param id       the queue id, or null when the message was refused before it got one
     * @param delivery how long the delivery handler took, or null when it did not get the message
     */
    private static Reply ended(SmtpSession s, String id, MessageSink sink, Reply reply, Duration delivery) {
        s.env.shared().listening().events().mail(new Events.MailTransaction(Instant.now(), id,
                s.connection.remote().getAddress(), s.heloName, s.authUser, s.sender == null ? "" : s.sender,
                s.recipientAddresses(), sink.size(), reply.code() + " " + String.join(" ", reply.lines()),
                Duration.ofNanos(System.nanoTime() - s.transactionStart), delivery));
        return reply;
    }

    /**
     * The transient reply for a message that could not be stored: 452 4.3.1 "mail system full"
     * (RFC 5321 4.2.2, RFC 3463 3.4) when the disk or a quota is full, 451 4.3.0 for anything else.
     */
    static Reply storageFailure(IOException e) {
        return StorageFullException.isFull(e) ? SmtpReplies.INSUFFICIENT_STORAGE : SmtpReplies.LOCAL_ERROR;
    }
}
