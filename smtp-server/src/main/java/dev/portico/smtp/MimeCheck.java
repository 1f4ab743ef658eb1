package dev.portico.smtp;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.ParseException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * Parses a stored message with Jakarta Mail (RFC 2045-2049) and lists what is structurally wrong.
 * Mail is still delivered when something is, as real MTAs do; the session logs the list. The
 * message is read from a {@code SharedInputStream}, so parts are views on the spool, not copies.
 */
final class MimeCheck {

    private static final Session SESSION = Session.getInstance(new Properties());
    private static final int MAX_DEPTH = 20;
    private static final int MAX_PARTS = 1000;
    private static final Set<String> ENCODINGS = Set.of("7bit", "8bit", "binary", "base64", "quoted-printable");

    private MimeCheck() {}

    static List<String> problems(InputStream shared) {
        List<String> problems = new ArrayList<>();
        try {
            MimeMessage m = new MimeMessage(SESSION, shared);
            if (m.getHeader("MIME-Version") == null && m.getHeader("Content-Type") != null) {
                problems.add("Content-Type without MIME-Version");
            }
            walk(m, 0, problems, new int[1]);
        } catch (MessagingException | IOException | RuntimeException e) {
            problems.add("unparseable: " + e.getMessage());
        }
        return problems;
    }

    private static void walk(Part part, int depth, List<String> problems, int[] parts) throws MessagingException, IOException {
        if (++parts[0] > MAX_PARTS || depth > MAX_DEPTH) {
            if (parts[0] == MAX_PARTS + 1 || depth == MAX_DEPTH + 1) problems.add("too many or too deeply nested parts, not checked further");
            return;
        }
        String encoding = encoding(part);
        if (encoding != null && !ENCODINGS.contains(encoding)) problems.add("unknown Content-Transfer-Encoding " + encoding);
        ContentType type;
        try {
            type = new ContentType(part.getContentType());
        } catch (ParseException e) {
            problems.add("bad Content-Type: " + part.getContentType());
            return;
        }
        if (!type.match("multipart/*")) return;
        if (type.getParameter("boundary") == null) {
            problems.add("multipart without boundary");
            return;
        }
        Object content = part.getContent();
        if (!(content instanceof MimeMultipart mp)) return;
        int count;
        try {
            count = mp.getCount();
        } catch (MessagingException e) {
            problems.add("broken multipart: " + e.getMessage());
            return;
        }
        if (!mp.isComplete()) problems.add("multipart without closing boundary");
        for (int i = 0; i < count; i++) {
            BodyPart p = mp.getBodyPart(i);
            walk(p, depth + 1, problems, parts);
        }
    }

    private static String encoding(Part part) throws MessagingException {
        String[] h = part.getHeader("Content-Transfer-Encoding");
        return h == null || h.length == 0 ? null : h[0].trim().toLowerCase(Locale.ROOT);
    }
}
