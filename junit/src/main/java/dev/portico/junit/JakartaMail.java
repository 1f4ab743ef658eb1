package dev.portico.junit;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.util.Properties;

/**
 * The one place that makes {@link MimeMessage}s, so a class path without Jakarta Mail fails only
 * when a test asks for one (the SMTP server brings Jakarta Mail, so in practice it is always there).
 */
final class JakartaMail {

    private static final Session SESSION = Session.getInstance(new Properties());

    private JakartaMail() {}

    static MimeMessage parse(byte[] raw) {
        try {
            return new MimeMessage(SESSION, new ByteArrayInputStream(raw));
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot parse the message: " + e.getMessage(), e);
        }
    }
}
