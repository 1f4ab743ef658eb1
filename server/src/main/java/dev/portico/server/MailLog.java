package dev.portico.server;

import dev.portico.core.Events;
import dev.portico.core.LogSafe;

import java.io.Closeable;
import java.io.IOException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * {@code log.maillog}: one line per SMTP transaction in the style of Postfix's maillog, so that
 * the greps and summaries written for Postfix (pflogsumm and the like) find them. An accepted
 * message is one line with what Postfix spreads over smtpd, qmgr and local lines:
 *
 * <pre>
 * Dec  2 05:05:47 mail.example portico/smtpd[4242]: 17.1: client=unknown[192.0.2.7], sasl_username=alice,
 *     from=&lt;alice@example.org&gt;, size=1532, nrcpt=1, to=&lt;bob@example.org&gt;, status=sent (250 2.0.0 Ok: message accepted)
 * </pre>
 *
 * and a refused one is Postfix's reject line ({@code NOQUEUE} when it got no queue id):
 *
 * <pre>
 * Dec  2 05:05:48 mail.example portico/smtpd[4242]: NOQUEUE: reject: END-OF-MESSAGE from unknown[192.0.2.7]:
 *     552 5.3.4 Message too big; from=&lt;alice@example.org&gt; to=&lt;bob@example.org&gt; proto=ESMTP helo=&lt;client.example&gt;
 * </pre>
 *
 * (each on one line). The client's name is {@code unknown}, as Postfix writes it without a
 * verified reverse name: Portico looks up no names. Addresses and the HELO name are escaped
 * ({@link LogSafe}), so no one can end the line and forge another.
 */
final class MailLog implements Events, Closeable {

    /** syslog's timestamp, the day of the month padded with a space. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

    private final LogFile file;
    private final ZoneId zone;
    private final String prefix;
    /** The delivery lines', as Postfix's {@code smtp} process writes them. */
    private final String smtpPrefix;

    /** @param host the name syslog would put in the line (the SMTP server's name) */
    MailLog(LogFile file, ZoneId zone, String host) {
        this.file = file;
        this.zone = zone;
        this.prefix = ' ' + LogSafe.text(host).replace(' ', '_') + " portico/smtpd[" + ProcessHandle.current().pid() + "]: ";
        this.smtpPrefix = prefix.replace("/smtpd[", "/smtp[");
    }

    @Override
    public void mail(MailTransaction m) {
        file.append(line(m));
    }

    String line(MailTransaction m) {
        StringBuilder b = new StringBuilder(200).append(TIME.format(ZonedDateTime.ofInstant(m.time(), zone))).append(prefix)
                .append(m.id() == null ? "NOQUEUE" : LogSafe.text(m.id())).append(": ");
        String client = "unknown[" + m.remote().getHostAddress() + "]";
        if (m.accepted()) {
            b.append("client=").append(client);
            if (m.user() != null) b.append(", sasl_username=").append(LogSafe.text(m.user()));
            b.append(", from=<").append(LogSafe.text(m.sender())).append(">, size=").append(m.size())
                    .append(", nrcpt=").append(m.recipients().size());
            for (String to : m.recipients()) b.append(", to=<").append(LogSafe.text(to)).append('>');
            b.append(", status=sent (").append(LogSafe.text(m.reply())).append(')');
        } else {
            b.append("reject: END-OF-MESSAGE from ").append(client).append(": ").append(LogSafe.text(m.reply()))
                    .append("; from=<").append(LogSafe.text(m.sender())).append('>');
            for (String to : m.recipients()) b.append(" to=<").append(LogSafe.text(to)).append('>');
            b.append(" proto=ESMTP");
            if (m.helo() != null) b.append(" helo=<").append(LogSafe.text(m.helo())).append('>');
        }
        return b.toString();
    }

    /**
     * Postfix's smtp line for one recipient of a queued message:
     * {@code 1A2B: to=<bob@example.net>, relay=mx.example.net[192.0.2.9]:25, delay=0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok)}.
     */
    @Override
    public void delivery(DeliveryAttempt d) {
        file.append(line(d));
    }

    String line(DeliveryAttempt d) {
        return TIME.format(ZonedDateTime.ofInstant(d.time(), zone)) + smtpPrefix + LogSafe.text(d.id()) + ": to=<"
                + LogSafe.text(d.recipient()) + ">, relay=" + LogSafe.text(d.relay()) + ", delay="
                + String.format(Locale.ROOT, "%.1f", d.delay().toMillis() / 1000.0) + ", dsn=" + LogSafe.text(d.dsn())
                + ", status=" + d.status() + " (" + LogSafe.text(d.reply()) + ")";
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
