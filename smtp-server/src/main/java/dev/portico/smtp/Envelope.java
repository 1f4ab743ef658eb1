package dev.portico.smtp;

import java.util.List;
import java.util.Set;

/**
 * One mail transaction's envelope (RFC 5321 3.3), as accepted by MAIL and RCPT, with the DSN
 * requests of RFC 3461 that the queue and the reports honour.
 *
 * @param sender       the reverse-path without angle brackets; empty for the null sender {@code <>}
 * @param rcpts        the accepted recipients, in RCPT order, each with its DSN parameters
 * @param declaredSize the {@code SIZE=} parameter of MAIL (RFC 1870), or -1
 * @param body         the {@code BODY=} parameter (RFC 6152): {@code 7BIT} or {@code 8BITMIME}
 * @param smtpUtf8     whether MAIL carried {@code SMTPUTF8} (RFC 6531)
 * @param ret          {@code RET=} of MAIL (RFC 3461 4.3), or null when not given
 * @param envelopeId   {@code ENVID=} of MAIL decoded from xtext (RFC 3461 4.4), or null when not given
 */
public record Envelope(String sender, List<Recipient> rcpts, long declaredSize, String body, boolean smtpUtf8,
                       Dsn.Ret ret, String envelopeId) {

    /**
     * One recipient and what it asked to be told (RFC 3461 4.1, 4.2).
     *
     * @param address           the forward-path without angle brackets
     * @param notifyOn          {@code NOTIFY=} keywords; empty when the parameter was not given
     *                          (then failures and delays are reported, RFC 3461 4.1)
     * @param originalRecipient {@code ORCPT=} as {@code addr-type;address}, the address decoded
     *                          from xtext ({@code rfc822;bob@example.org}), or null when not given
     */
    public record Recipient(String address, Set<Dsn.Notify> notifyOn, String originalRecipient) {

        public Recipient {
            notifyOn = Set.copyOf(notifyOn);
        }

        /** A recipient without DSN parameters. */
        public static Recipient of(String address) {
            return new Recipient(address, Set.of(), null);
        }

        /**
         * Whether a report of this kind is wanted: {@link Dsn.Notify#SUCCESS}, {@code FAILURE} or
         * {@code DELAY}. Without NOTIFY, failures and delays are (RFC 3461 4.1 leaves DELAY to the
         * MTA; Postfix sends it too).
         */
        public boolean wants(Dsn.Notify kind) {
            if (notifyOn.isEmpty()) return kind == Dsn.Notify.FAILURE || kind == Dsn.Notify.DELAY;
            return notifyOn.contains(kind);
        }

        /** The {@code NOTIFY=} value to pass to a remote that offers DSN, or null when none was given. */
        public String notifyParameter() {
            if (notifyOn.isEmpty()) return null;
            return String.join(",", notifyOn.stream().sorted().map(Enum::name).toList());
        }
    }

    public Envelope {
        rcpts = List.copyOf(rcpts);
    }

    /** An envelope without DSN parameters: {@code recipients} each a {@link Recipient#of plain} one. */
    public static Envelope of(String sender, List<String> recipients, long declaredSize, String body, boolean smtpUtf8) {
        return new Envelope(sender, recipients.stream().map(Recipient::of).toList(), declaredSize, body, smtpUtf8, null, null);
    }

    /** The recipients' addresses, in RCPT order. */
    public List<String> recipients() {
        return rcpts.stream().map(Recipient::address).toList();
    }

    public boolean isNullSender() {
        return sender.isEmpty();
    }
}
