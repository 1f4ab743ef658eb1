package dev.portico.smtp.relay;

import dev.portico.core.Reply;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The seam where the queue has a delivery status notification built: a RFC 3464
 * {@code multipart/report} for the recipients that failed, with the original's header section.
 * Kept to the minimum the queue needs until the DSN builder of issue 11's DSN work replaces it;
 * the queue calls only {@link #failure}.
 */
final class DeliveryReports {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
    /** Headers of the original, at most: a bounce does not carry a huge header section back. */
    private static final int MAX_HEADERS = 64 * 1024;

    private DeliveryReports() {}

    /** The bounce to {@code m}'s sender about {@code failed}, as a complete message (CR LF lines). */
    static byte[] failure(QueuedMessage m, List<QueuedMessage.Recipient> failed, String reportingMta, Path original)
            throws IOException {
        String boundary = "=_portico_" + UUID.randomUUID();
        String now = DATE.format(ZonedDateTime.now());
        StringBuilder b = new StringBuilder(2048);
        b.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingMta).append(">\r\n")
                .append("To: <").append(m.sender()).append(">\r\n")
                .append("Subject: Undelivered Mail Returned to Sender\r\n")
                .append("Date: ").append(now).append("\r\n")
                .append("Message-ID: <").append(UUID.randomUUID()).append('@').append(reportingMta).append(">\r\n")
                .append("Auto-Submitted: auto-replied\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"").append(boundary).append("\"\r\n")
                .append("\r\n--").append(boundary).append("\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n\r\n")
                .append("Your message could not be delivered to one or more recipients.\r\n\r\n");
        for (QueuedMessage.Recipient r : failed) b.append("<").append(r.address()).append(">: ").append(r.lastReply()).append("\r\n");
        b.append("\r\n--").append(boundary).append("\r\n")
                .append("Content-Type: message/delivery-status\r\n\r\n")
                .append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n")
                .append("X-Portico-Queue-ID: ").append(m.id()).append("\r\n")
                .append("Arrival-Date: ").append(DATE.format(m.arrival().atZone(java.time.ZoneId.systemDefault()))).append("\r\n");
        for (QueuedMessage.Recipient r : failed) {
            b.append("\r\nFinal-Recipient: rfc822; ").append(r.address()).append("\r\n")
                    .append("Action: failed\r\n")
                    .append("Status: ").append(status(r.lastReply())).append("\r\n")
                    .append("Diagnostic-Code: smtp; ").append(r.lastReply()).append("\r\n");
        }
        b.append("\r\n--").append(boundary).append("\r\n")
                .append("Content-Type: text/rfc822-headers\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(headers(original));
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** The enhanced status code (RFC 3463) a reply text starts with, else its class's {@code x.0.0}. */
    static String status(String reply) {
        if (reply == null) return "4.0.0";
        String[] words = reply.split(" ", 3);
        if (words.length > 1 && words[1].matches("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}")) return words[1];
        if (words.length > 0 && words[0].matches("[245][0-9][0-9]")) return words[0].charAt(0) + ".0.0";
        return "5.0.0";
    }

    /** The original's header section, up to the empty line (or {@link #MAX_HEADERS}). */
    private static byte[] headers(Path original) throws IOException {
        byte[] buf;
        try (InputStream in = Files.newInputStream(original)) {
            buf = in.readNBytes(MAX_HEADERS);
        }
        String text = new String(buf, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        int len = end < 0 ? buf.length : end + 2;
        return java.util.Arrays.copyOf(buf, len);
    }

    static String text(Reply r) {
        return SmtpClient.text(r);
    }
}
