package dev.portico.smtp.relay;

import dev.portico.smtp.Dsn;
import dev.portico.smtp.Envelope;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One message in the outbound queue: its envelope and the state of each recipient. The message
 * text is a file of its own ({@link QueueStore#messageFile}), one copy for all recipients. A
 * recipient changes state only through {@link #update}; the runner saves the message right after.
 *
 * @param id       the queue id, also the file names' stem
 * @param sender   the envelope sender, {@code ""} for the null sender (a bounce)
 * @param arrival  when the client got its 250
 * @param body     {@code 7BIT} or {@code 8BITMIME} as the client declared it (RFC 6152)
 * @param smtpUtf8 whether the message needs SMTPUTF8 (RFC 6531)
 * @param user     who submitted it (AUTH), or null
 * @param size     octets of the message file
 * @param ret      {@code RET=} of MAIL (RFC 3461), or null
 * @param envelopeId {@code ENVID=} of MAIL, decoded, or null
 */
public record QueuedMessage(String id, String sender, Instant arrival, String body, boolean smtpUtf8, String user,
                            long size, Dsn.Ret ret, String envelopeId, List<Recipient> recipients) {

    /** Where one recipient stands. */
    public enum State { PENDING, DELIVERED, FAILED }

    /**
     * @param address   the forward-path
     * @param state     pending, delivered (the remote said 2xx) or failed (5xx, or given up)
     * @param attempts  attempts that ended without delivery
     * @param nextTry   when to try again (pending only)
     * @param lastReply the remote's last reply, or what went wrong, for logs, {@code queue list} and bounces
     * @param reported  whether the sender has been told (the bounce sent, or the delay warning)
     * @param notifyOn  {@code NOTIFY=} as the remote is told it ({@code FAILURE,SUCCESS}), or null when not given
     * @param orcpt     {@code ORCPT=} as {@code addr-type;address}, or null
     */
    public record Recipient(String address, State state, int attempts, Instant nextTry, String lastReply, boolean reported,
                            String notifyOn, String orcpt) {
        public boolean pending() {
            return state == State.PENDING;
        }

        /** The domain, lower case, without a trailing dot: the destination of MX delivery. */
        public String domain() {
            String d = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
        }

        Recipient delivered(String reply) {
            return new Recipient(address, State.DELIVERED, attempts, nextTry, reply, reported, notifyOn, orcpt);
        }

        Recipient deferred(String reply, Instant next) {
            return new Recipient(address, State.PENDING, attempts + 1, next, reply, reported, notifyOn, orcpt);
        }

        Recipient failed(String reply) {
            return new Recipient(address, State.FAILED, attempts + 1, nextTry, reply, false, notifyOn, orcpt);
        }

        Recipient flushed(Instant now) {
            return pending() ? new Recipient(address, state, attempts, now, lastReply, reported, notifyOn, orcpt) : this;
        }

        Recipient asReported() {
            return new Recipient(address, state, attempts, nextTry, lastReply, true, notifyOn, orcpt);
        }

        /** With its DSN requests, as the reports take it. */
        public Envelope.Recipient dsn() {
            return new Envelope.Recipient(address, notifyOn == null ? java.util.Set.of() : Dsn.parseNotify(notifyOn), orcpt);
        }
    }

    public QueuedMessage {
        recipients = List.copyOf(recipients);
    }

    public boolean isNullSender() {
        return sender.isEmpty();
    }

    /** Nothing left to try and nobody left to tell: the message can leave the queue. */
    public boolean finished() {
        return recipients.stream().noneMatch(r -> r.pending() || (r.state() == State.FAILED && !r.reported()));
    }

    /** This message with each recipient {@code which} accepts replaced by {@code change}'s result. */
    public QueuedMessage update(Predicate<Recipient> which, java.util.function.UnaryOperator<Recipient> change) {
        List<Recipient> next = new ArrayList<>(recipients.size());
        for (Recipient r : recipients) next.add(which.test(r) ? change.apply(r) : r);
        return new QueuedMessage(id, sender, arrival, body, smtpUtf8, user, size, ret, envelopeId, next);
    }

    /** The original envelope with its DSN requests, as the reports take it. */
    public Envelope envelope() {
        return new Envelope(sender, recipients.stream().map(Recipient::dsn).toList(), size, body, smtpUtf8, ret, envelopeId);
    }

    /** The pending recipients due at {@code now}. */
    public List<Recipient> due(Instant now) {
        return recipients.stream().filter(r -> r.pending() && !r.nextTry().isAfter(now)).toList();
    }
}
