package dev.portico.junit;

import dev.portico.core.mail.MimeView;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One message the SMTP server accepted, as it was stored: the envelope, and the bytes written to
 * every recipient's Maildir ({@code Return-Path:} and {@code Received:} first, then the message as
 * the client sent it, dot-stuffing undone).
 *
 * @param sender     the envelope sender (MAIL FROM) without angle brackets; empty for {@code <>}
 * @param recipients the accepted envelope recipients (RCPT TO), in order
 * @param received   when the server accepted it
 */
public record ReceivedMail(String sender, List<String> recipients, byte[] raw, Instant received) {

    public ReceivedMail {
        recipients = List.copyOf(recipients);
    }

    /** Whether {@code address} is one of the envelope recipients (case does not matter). */
    public boolean isFor(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        for (String r : recipients) {
            if (r.toLowerCase(Locale.ROOT).equals(a)) return true;
        }
        return false;
    }

    /** The message parsed by Jakarta Mail. */
    public MimeMessage mimeMessage() {
        return JakartaMail.parse(raw);
    }

    /** The message decoded: headers, text, HTML, attachments by name. */
    public MimeView view() {
        try {
            return MimeView.parse(new ByteArrayInputStream(raw));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot parse the message: " + e.getMessage(), e);
        }
    }

    /** The stored bytes as text (UTF-8), for a quick {@code contains} assertion. */
    public String text() {
        return new String(raw, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "mail from <" + sender + "> to " + recipients + ", " + raw.length + " bytes";
    }
}
