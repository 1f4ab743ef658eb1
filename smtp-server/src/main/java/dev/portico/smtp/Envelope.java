package dev.portico.smtp;

import java.util.List;

/**
 * One mail transaction's envelope (RFC 5321 3.3), as accepted by MAIL and RCPT.
 *
 * @param sender       the reverse-path without angle brackets; empty for the null sender {@code <>}
 * @param recipients   accepted forward-paths without angle brackets, in RCPT order
 * @param declaredSize the {@code SIZE=} parameter of MAIL (RFC 1870), or -1
 * @param body         the {@code BODY=} parameter (RFC 6152): {@code 7BIT} or {@code 8BITMIME}
 * @param smtpUtf8     whether MAIL carried {@code SMTPUTF8} (RFC 6531)
 */
public record Envelope(String sender, List<String> recipients, long declaredSize, String body, boolean smtpUtf8) {

    public Envelope {
        recipients = List.copyOf(recipients);
    }

    public boolean isNullSender() {
        return sender.isEmpty();
    }
}
