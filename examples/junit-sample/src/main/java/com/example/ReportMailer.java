package com.example;

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

import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** Mails a CSV report through an SMTP server: the kind of code a project tests with Portico. */
public class ReportMailer {

    private final Session session;

    public ReportMailer(String host, int port) {
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        this.session = Session.getInstance(p);
    }

    /** Sends "Report" to {@code to}: a short text and the CSV as {@code report.csv}. */
    public void send(String to, String csv) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("reports@example.com"));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject("Report");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("The report is attached.\n", "UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(csv.getBytes(StandardCharsets.UTF_8), "text/csv")));
        file.setFileName("report.csv");
        file.setDisposition(MimeBodyPart.ATTACHMENT);
        m.setContent(new MimeMultipart(text, file));
        Transport.send(m);
    }
}
