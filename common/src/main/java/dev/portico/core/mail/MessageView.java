package dev.portico.core.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One stored message decoded for people, by Jakarta Mail: headers with RFC 2047 words decoded, the
 * leaf parts in order (nested multiparts walked, at most 20 deep; a {@code message/rfc822} is one
 * part), text parts as text (quoted-printable and base64 undone, charset applied), attachments by
 * name. The shell's {@code mail N} shows this view; the test toolkit's {@code mailbox(user)} hands
 * it to assertions. Nothing here is cleaned for a terminal: the shell does that.
 *
 * <p>Jakarta Mail holds a parsed message in memory, so callers bound what they parse (the shell
 * refuses messages over 32 MiB).
 */
public final class MessageView {

    /** Most text read from one part when its charset is unknown and it is read as UTF-8. */
    private static final int MAX_TEXT = 32 << 20;
    private static final int MAX_DEPTH = 20;
    private static final Session MIME = Session.getInstance(new java.util.Properties());

    private final MimeMessage message;
    private final List<Part> parts;

    private MessageView(MimeMessage message, List<Part> parts) {
        this.message = message;
        this.parts = parts;
    }

    /** Parses a whole message (CR LF or LF lines). */
    public static MessageView parse(InputStream in) throws IOException, MessagingException {
        MimeMessage m = new MimeMessage(MIME, in);
        List<jakarta.mail.Part> leaves = new ArrayList<>();
        leaves(m, leaves, 0);
        List<Part> parts = new ArrayList<>(leaves.size());
        for (int i = 0; i < leaves.size(); i++) parts.add(new Part(i + 1, leaves.get(i)));
        return new MessageView(m, Collections.unmodifiableList(parts));
    }

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

    /** A header's value with encoded words decoded and folding undone, several joined by ", "; null when absent. */
    public String header(String name) throws MessagingException {
        String v = message.getHeader(name, ", ");
        return v == null ? null : decodeHeader(v);
    }

    /** {@code Subject}, decoded; null when absent. */
    public String subject() throws MessagingException {
        return header("Subject");
    }

    /** {@code From}, decoded; null when absent. */
    public String from() throws MessagingException {
        return header("From");
    }

    /** Unfolds a raw header value and decodes its RFC 2047 encoded words; an unknown charset leaves them as they are. */
    public static String decodeHeader(String raw) {
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(raw));
        } catch (UnsupportedEncodingException e) {
            return raw;
        }
    }

    /** The leaf parts in order, numbered from 1. */
    public List<Part> parts() {
        return parts;
    }

    /** The first shown text part of type {@code text/plain}, decoded; null when there is none. */
    public String text() throws IOException, MessagingException {
        return firstText("text/plain");
    }

    /** The first shown text part of type {@code text/html}, decoded; null when there is none. */
    public String html() throws IOException, MessagingException {
        return firstText("text/html");
    }

    private String firstText(String type) throws IOException, MessagingException {
        for (Part p : parts) {
            if (p.isText() && p.type().equals(type)) return p.text();
        }
        return null;
    }

    /** The parts that are not shown as text: files, images, nested messages. */
    public List<Part> attachments() throws MessagingException {
        List<Part> out = new ArrayList<>();
        for (Part p : parts) {
            if (!p.isText()) out.add(p);
        }
        return out;
    }

    /** The first attachment with this file name (decoded, compared exactly). */
    public Optional<Part> attachment(String fileName) throws MessagingException {
        for (Part p : attachments()) {
            if (fileName.equals(p.fileName())) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The parsed message, for anything this view does not cover. */
    public MimeMessage message() {
        return message;
    }

    /** One leaf part of the message. */
    public static final class Part {
        private final int number;
        private final jakarta.mail.Part part;

        Part(int number, jakarta.mail.Part part) {
            this.number = number;
            this.part = part;
        }

        /** Its position among the leaves, from 1 (what the shell's {@code mail save N PART} takes). */
        public int number() {
            return number;
        }

        /** The base content type in lower case ({@code text/plain}); {@code application/octet-stream} when it does not parse. */
        public String type() {
            try {
                return new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
            } catch (MessagingException | RuntimeException e) {
                return "application/octet-stream";
            }
        }

        /** Whether it is shown as text: a {@code text/*} part not marked {@code Content-Disposition: attachment}. */
        public boolean isText() throws MessagingException {
            return type().startsWith("text/") && !jakarta.mail.Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition());
        }

        /** The file name, RFC 2047/2231 decoded; null when it has none (or it does not parse). */
        public String fileName() {
            try {
                String name = part.getFileName();
                return name == null ? null : decodeHeader(name);
            } catch (MessagingException e) {
                return null;
            }
        }

        /** The decoded text (charset applied; an unknown charset is read as UTF-8). */
        public String text() throws IOException, MessagingException {
            try {
                Object c = part.getContent();
                if (c instanceof String s) return s;
            } catch (UnsupportedEncodingException e) {
                // unknown charset: fall back to UTF-8 below
            }
            try (InputStream in = part.getInputStream()) {
                return new String(in.readNBytes(MAX_TEXT), StandardCharsets.UTF_8);
            }
        }

        /** The decoded content (transfer encoding undone). */
        public InputStream content() throws IOException, MessagingException {
            return part.getInputStream();
        }

        /** The decoded content as bytes. */
        public byte[] bytes() throws IOException, MessagingException {
            try (InputStream in = part.getInputStream()) {
                return in.readAllBytes();
            }
        }

        /** The size of the decoded content, counted without holding it. */
        public long decodedSize() throws IOException, MessagingException {
            try (InputStream in = part.getInputStream()) {
                return in.transferTo(OutputStream.nullOutputStream());
            }
        }

        @Override
        public String toString() {
            String name = fileName();
            return "part " + number + ": " + type() + (name == null ? "" : " \"" + name + "\"");
        }
    }
}
