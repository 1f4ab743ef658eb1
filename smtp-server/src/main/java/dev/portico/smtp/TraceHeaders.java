package dev.portico.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/**
 * The lines put in front of an accepted message: the {@code Received:} trace header (RFC 5321
 * 4.4, with the protocol names of RFC 3848 and RFC 6531 3.7.3), and, when configured, the Date
 * and Message-ID a submission server adds to mail that lacks them (RFC 6409 8.2, 8.3). The sink
 * has already seen the whole header section, so nothing needs buffering.
 */
final class TraceHeaders {

    /** RFC 5322 3.3 date-time. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private TraceHeaders() {}

    /** A second's formatted date; formatting it for every message was a visible share of the per-message CPU. */
    private record Stamp(long second, String text) {}

    private static volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

    /** The current time as RFC 5322 date-time, formatted at most once a second. */
    static String now() {
        long second = Math.floorDiv(System.currentTimeMillis(), 1000);
        Stamp s = last;
        if (s.second() != second) {
            s = new Stamp(second, DATE.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), ZoneId.systemDefault())));
            last = s;
        }
        return s.text();
    }

    static byte[] prefix(SmtpSession s, String id, MessageSink sink) {
        String now = now();
        StringBuilder b = new StringBuilder(256);
        b.append("Received: from ").append(s.heloName)
                .append(" ([").append(s.connection.remote().getAddress().getHostAddress()).append("])\r\n")
                .append("\tby ").append(s.env.hostname()).append(" (Portico) with ").append(protocol(s));
        var tls = s.connection.tlsSession();
        if (tls != null) b.append("\r\n\t(").append(tls.getProtocol()).append(' ').append(tls.getCipherSuite()).append(')');
        b.append("\r\n\tid ").append(id);
        // One recipient only: naming several would tell each about the others.
        if (s.recipients.size() == 1) b.append("\r\n\tfor <").append(s.recipients.get(0).address()).append('>');
        b.append(";\r\n\t").append(now).append("\r\n");
        if (s.env.config().addMissingHeaders()) {
            if (!sink.hasDate()) b.append("Date: ").append(now).append("\r\n");
            if (!sink.hasMessageId()) {
                b.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(s.env.hostname()).append(">\r\n");
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** ESMTP, plus S for TLS and A for AUTH (RFC 3848); UTF8SMTP with SMTPUTF8 (RFC 6531). */
    static String protocol(SmtpSession s) {
        if (!s.esmtp) return "SMTP";
        String p = s.smtpUtf8 ? "UTF8SMTP" : "ESMTP";
        if (s.connection.isSecure()) p += "S";
        if (s.authUser != null) p += "A";
        return p;
    }
}
