package dev.portico.core.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Properties;

/**
 * A stored message as a reader sees it, parsed by Jakarta Mail: headers decoded (RFC 2047 words,
 * folding undone), and the leaf parts in order with their types, file names and decoded content
 * (quoted-printable and base64 undone, charsets applied). The shell's {@code mail} command and the
 * HTTP API show messages through it, so both number parts alike.
 *
 * <p>Text is returned as the message has it, control characters included: a caller that writes to
 * a terminal cleans it, a JSON writer escapes it.
 */
public final class MimeView {

    /**
     * Larger messages are not parsed: {@link #parse} holds the whole message in memory. Callers
     * check {@link MessageInfo#size()} against this first and offer the raw message instead.
     */
    public static final long MAX_PARSED = 32L << 20;
    /** Nested multiparts deeper than this count as one part: a message cannot make the walk recurse without end. */
    private static final int MAX_DEPTH = 20;
    /** RFC 6532: header fields may hold UTF-8 as it is (SMTPUTF8 mail does), read as UTF-8 rather than Latin-1. */
    private static final Session SESSION = Session.getInstance(utf8Headers());

    private static Properties utf8Headers() {
        Properties p = new Properties();
        p.setProperty("mail.mime.allowutf8", "true");
        return p;
    }

    private final Headers headers;
    private final List<Part> parts;

    private MimeView(Headers headers, List<Part> parts) {
        this.headers = headers;
        this.parts = parts;
    }

    /**
     * Parses a whole message, read to its end into memory (see {@link #MAX_PARSED}).
     *
     * @throws MessagingException when the message is too broken to parse (a bad multipart, say);
     *                            its text may quote the broken header as sent
     */
    public static MimeView parse(InputStream in) throws IOException, MessagingException {
        MimeMessage m = new MimeMessage(SESSION, in);
        InternetHeaders h = new InternetHeaders();
        for (Enumeration<Header> e = m.getAllHeaders(); e.hasMoreElements(); ) {
            Header x = e.nextElement();
            h.addHeader(x.getName(), x.getValue());
        }
        List<jakarta.mail.Part> leaves = new ArrayList<>();
        leaves(m, leaves, 0);
        List<Part> parts = new ArrayList<>();
        for (jakarta.mail.Part p : leaves) parts.add(new Part(parts.size() + 1, p));
        return new MimeView(new Headers(h), Collections.unmodifiableList(parts));
    }

    /** Only the header block, read up to the empty line that ends it: enough for a listing, whatever the message's size. */
    public static Headers headers(InputStream in) throws MessagingException {
        return new Headers(new InternetHeaders(in, true));
    }

    public Headers headers() {
        return headers;
    }

    /** The leaf parts in order, numbered from 1; a message without MIME structure is one part. */
    public List<Part> parts() {
        return parts;
    }

    /** The inline text parts of {@code type} ({@code text/plain}, {@code text/html}) joined, or null when there is none. */
    public String text(String type) throws IOException, MessagingException {
        StringBuilder b = null;
        for (Part p : parts) {
            if (!p.isText() || !p.type().equals(type)) continue;
            if (b == null) b = new StringBuilder();
            b.append(p.text());
        }
        return b == null ? null : b.toString();
    }

    /** The parts that are not shown as text: attachments, images, anything with a file name or an attachment disposition. */
    public List<Part> attachments() {
        return parts.stream().filter(p -> !p.isText()).toList();
    }

    /** The decoded Subject, or null. */
    public String subject() {
        return headers.get("Subject");
    }

    /** The decoded From field as written, or null. */
    public String from() {
        return headers.get("From");
    }

    /** The plain-text body ({@code text/plain} parts joined), or null. */
    public String text() throws IOException, MessagingException {
        return text("text/plain");
    }

    /** The HTML body ({@code text/html} parts joined), or null. */
    public String html() throws IOException, MessagingException {
        return text("text/html");
    }

    /** The first attachment with this file name. */
    public Optional<Part> attachment(String fileName) {
        return attachments().stream().filter(p -> fileName.equals(p.fileName())).findFirst();
    }

    /** Unfolds and decodes an RFC 2047 header value; a word in an unknown charset stays as written. */
    public static String decode(String raw) {
        if (raw == null) return null;
        String unfolded = MimeUtility.unfold(raw);
        try {
            return MimeUtility.decodeText(unfolded);
        } catch (UnsupportedEncodingException e) {
            return unfolded;
        }
    }

    /** Walks nested multiparts (at most {@link #MAX_DEPTH} deep); a {@code message/rfc822} is one part. */
    private static void leaves(jakarta.mail.Part p, List<jakarta.mail.Part> out, int depth) throws IOException, MessagingException {
        if (p.isMimeType("multipart/*") && depth < MAX_DEPTH) {
            Object content = p.getContent();
            if (content instanceof Multipart mp) {
                for (int i = 0; i < mp.getCount(); i++) {
                    BodyPart b = mp.getBodyPart(i);
                    leaves(b, out, depth + 1);
                }
                return;
            }
        }
        out.add(p);
    }

    /** One mailbox of an address field: {@code name} (decoded, or null) and {@code local@domain}. */
    public record Address(String name, String address) {}

    /** A message's header fields, decoded on the way out. */
    public static final class Headers {
        private final InternetHeaders h;

        private Headers(InternetHeaders h) {
            this.h = h;
        }

        /** Every value of a field, decoded and joined with {@code ", "}, or null when the message has none. */
        public String get(String name) {
            return decode(h.getHeader(name, ", "));
        }

        /**
         * The addresses of an address field ({@code From}, {@code To}, {@code Cc}), display names
         * decoded; a field that does not parse is one address whose {@code address} is the field's
         * decoded text and whose name is null. Empty when the field is missing.
         */
        public List<Address> addresses(String name) {
            String raw = h.getHeader(name, ", ");
            if (raw == null) return List.of();
            try {
                List<Address> out = new ArrayList<>();
                for (InternetAddress a : InternetAddress.parseHeader(MimeUtility.unfold(raw), false)) {
                    out.add(new Address(a.getPersonal(), a.getAddress()));
                }
                return out;
            } catch (AddressException e) {
                return List.of(new Address(null, decode(raw)));
            }
        }

        /** The {@code Date} field as an instant, or null when it is missing or does not parse. */
        public Instant date() {
            String raw = h.getHeader("Date", null);
            if (raw == null) return null;
            try {
                return new MailDateFormat().parse(MimeUtility.unfold(raw).trim()).toInstant();
            } catch (ParseException | RuntimeException e) {
                return null;
            }
        }

        /** Every field in order as {@code [name, decoded value]} pairs. */
        public List<String[]> all() {
            List<String[]> out = new ArrayList<>();
            for (Enumeration<Header> e = h.getAllHeaders(); e.hasMoreElements(); ) {
                Header x = e.nextElement();
                out.add(new String[]{x.getName(), decode(x.getValue())});
            }
            return out;
        }
    }

    /** One leaf part of a message. */
    public static final class Part {
        private final int number;
        private final jakarta.mail.Part part;
        private final String type;

        private Part(int number, jakarta.mail.Part part) {
            this.number = number;
            this.part = part;
            this.type = baseType(part);
        }

        /** Its position among the leaves, from 1. */
        public int number() {
            return number;
        }

        /** The base content type in lower case ({@code text/plain}); {@code application/octet-stream} when it does not parse. */
        public String type() {
            return type;
        }

        /**
         * The {@code charset} parameter of its content type when it names one plainly (letters,
         * digits, {@code . _ - : +}), else null: safe to repeat in a header of another protocol.
         */
        public String charset() {
            try {
                String c = new ContentType(part.getContentType()).getParameter("charset");
                return c != null && c.matches("[A-Za-z0-9._:+-]{1,40}") ? c : null;
            } catch (MessagingException | RuntimeException e) {
                return null;
            }
        }

        /** Whether it is text meant to be shown: {@code text/*} without an attachment disposition. */
        public boolean isText() {
            try {
                return type.startsWith("text/") && !jakarta.mail.Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition());
            } catch (MessagingException e) {
                return type.startsWith("text/");
            }
        }

        /** The decoded file name, or null when it has none. */
        public String fileName() {
            try {
                return decode(part.getFileName());
            } catch (MessagingException e) {
                return null;
            }
        }

        /** The decoded text; an unknown charset is read as UTF-8, at most {@link #MAX_PARSED} bytes of it. */
        public String text() throws IOException, MessagingException {
            try {
                if (part.getContent() instanceof String s) return s;
            } catch (UnsupportedEncodingException e) {
                // unknown charset: fall back to UTF-8 below
            }
            try (InputStream in = part.getInputStream()) {
                return new String(in.readNBytes((int) MAX_PARSED), StandardCharsets.UTF_8);
            }
        }

        /** The decoded content (transfer encoding undone). */
        public InputStream open() throws IOException, MessagingException {
            return part.getInputStream();
        }

        /** The decoded content, read whole (parts of a parsed message are at most {@link #MAX_PARSED}). */
        public byte[] bytes() throws IOException, MessagingException {
            try (InputStream in = open()) {
                return in.readAllBytes();
            }
        }

        /** Bytes of the decoded content, counted by reading it. */
        public long size() throws IOException, MessagingException {
            long n = 0;
            try (InputStream in = part.getInputStream()) {
                byte[] buf = new byte[8192];
                for (int k; (k = in.read(buf)) > 0; ) n += k;
            }
            return n;
        }

        private static String baseType(jakarta.mail.Part p) {
            try {
                return new ContentType(p.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
            } catch (MessagingException | RuntimeException e) {
                return "application/octet-stream";
            }
        }
    }
}
