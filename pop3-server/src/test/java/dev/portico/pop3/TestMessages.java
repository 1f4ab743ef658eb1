package dev.portico.pop3;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Random;

/** Realistic messages built with Jakarta Mail, as a mail client would send them. */
final class TestMessages {

    /** Text whose lines start with dots, a lone "." line included: all must survive dot-stuffing. */
    static final String DOTTY_TEXT = "Hello Alice,\r\n.this line starts with a dot\r\n.\r\n..two dots\r\n"
            + "...\r\nend of text\r\n";

    private TestMessages() {}

    /** Deterministic binary bytes of every value 0-255, CR and LF included. */
    static byte[] binary(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        for (int i = 0; i < 256 && i < size; i++) b[i] = (byte) i;
        return b;
    }

    /** A multipart/mixed message: the dotty text and a binary attachment, serialized with CR LF lines. */
    static byte[] multipart(String subject, byte[] attachment) throws IOException {
        try {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
            m.setFrom(new InternetAddress("bob@localhost"));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@localhost"));
            m.setSubject(subject, "UTF-8");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(DOTTY_TEXT, "UTF-8");
            MimeBodyPart file = new MimeBodyPart();
            file.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
            file.setFileName("data.bin");
            m.setContent(new MimeMultipart(text, file));
            m.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException e) {
            throw new IOException(e);
        }
    }

    static String simple(String subject, String body) {
        return "From: bob@localhost\r\nTo: alice@localhost\r\nSubject: " + subject + "\r\n\r\n" + body;
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
