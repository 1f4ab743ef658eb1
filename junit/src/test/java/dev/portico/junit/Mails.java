package dev.portico.junit;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

import java.util.Properties;

/** Sends mail with Jakarta Mail, as code under test would. */
final class Mails {

    private Mails() {}

    static Session session(int smtpPort, int pop3Port) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(smtpPort));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.pop3.host", "127.0.0.1");
        p.put("mail.pop3.port", String.valueOf(pop3Port));
        p.put("mail.pop3.connectiontimeout", "5000");
        p.put("mail.pop3.timeout", "10000");
        return Session.getInstance(p);
    }

    static void send(Session session, String to, String subject, String text) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject(subject, "UTF-8");
        m.setText(text, "UTF-8");
        Transport.send(m);
    }

    /** Text, HTML alternative and an attachment named {@code fileName}. */
    static void sendRich(Session session, String to, String fileName, byte[] attachment) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject("Grüße", "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Hello in text\n", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>Hello in <b>HTML</b></p>", "text/html; charset=UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative", text, html);
        MimeBodyPart body = new MimeBodyPart();
        body.setContent(alternative);
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
        file.setFileName(fileName);
        m.setContent(new MimeMultipart(body, file));
        Transport.send(m);
    }
}
