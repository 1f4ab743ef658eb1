package dev.portico.imap;

import dev.portico.core.mail.MimeView;
import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.HeaderTokenizer;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.SharedInputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/**
 * One message as IMAP FETCH and SEARCH see it: its MIME structure parsed once by Jakarta Mail
 * (offsets into the message's bytes, never a hand-written parser), answering ENVELOPE,
 * BODYSTRUCTURE, BODY[section], BINARY and SEARCH's content keys. Immutable and thread-safe, so
 * {@link MessageViews} can share one among sessions.
 *
 * <p>Never throws on a broken message. Where Jakarta Mail cannot split a multipart (no boundary
 * parameter, a boundary that never appears) the multipart has one empty {@code text/plain} part,
 * which is what Dovecot answers, so every message has a valid BODYSTRUCTURE. Dovecot is the
 * reference for the choices the RFC leaves open (the tests compare with its answers).
 *
 * <p>Header fields are read as bytes (ISO-8859-1, so sections come out byte for byte) and shown
 * as UTF-8 where they hold 8-bit text (RFC 6532).
 */
public final class MessageView {

    /** Nesting deeper than this (multiparts, attached messages) is shown as one text part: no input makes the walk recurse without end. */
    private static final int MAX_DEPTH = 40;
    /** Parts beyond this many are not split further: a message of a million empty parts costs no more than this. */
    private static final int MAX_PARTS = 5000;

    private final byte[] bytes;
    private final Entity root;
    /** Kept once made: FETCH asks for these again and again (a client's resync, every session's first look). */
    private volatile String envelope, body, bodyStructure;

    private MessageView(byte[] bytes) {
        this.bytes = bytes;
        int[] budget = {MAX_PARTS};
        this.root = entity(bytes, 0, bytes.length, false, 0, budget);
    }

    /**
     * Reads the message whole (it holds the bytes: sections are slices of them).
     *
     * @param crlf the message as sent, every line ended by CR LF ({@code Folder.content})
     * @param size its octets (RFC822.SIZE), used to size the buffer; what is read counts
     * @throws IOException only when reading fails; broken MIME is no error
     */
    public static MessageView parse(InputStream crlf, long size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, Math.min(size, 1 << 24)));
        crlf.transferTo(out);
        return new MessageView(out.toByteArray());
    }

    /** {@link #parse} over bytes in memory (kept, not copied: the caller must not change them). */
    public static MessageView of(byte[] crlf) {
        return new MessageView(crlf);
    }

    /** Octets of the message (RFC822.SIZE). */
    public long size() {
        return bytes.length;
    }

    /**
     * The ENVELOPE, parenthesised (RFC 9051 7.5.2): date, subject, from, sender, reply-to, to, cc,
     * bcc, in-reply-to, message-id. Header text as written (encoded words kept), NIL for missing
     * fields, sender and reply-to default to from, groups as the RFC writes them. Write it as UTF-8:
     * strings that need a literal are literals already.
     */
    public String envelope() {
        String e = envelope;
        if (e == null) {
            StringBuilder b = new StringBuilder(256);
            envelope(b, root);
            envelope = e = b.toString();
        }
        return e;
    }

    /**
     * The ENVELOPE of a message read only up to the end of its header (at most {@code limit}
     * octets of it): what a FETCH of envelopes needs, without reading bodies.
     */
    public static String envelope(InputStream crlf, int limit) throws IOException {
        return header(crlf, limit).envelope();
    }

    /**
     * The view of a message's header alone, read up to its empty line (at most {@code limit}
     * octets): what SEARCH by header fields and ENVELOPE need, without reading or parsing bodies.
     */
    public static MessageView header(InputStream crlf, int limit) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream(1024);
        InputStream in = new java.io.BufferedInputStream(crlf, 4096);
        int state = 1;   // 1 at the start of a line: a line feed there ends the header
        for (int c; header.size() < limit && (c = in.read()) >= 0; ) {
            header.write(c);
            if (c == '\n') {
                if (state == 1) break;
                state = 1;
            } else if (c != '\r') {
                state = 0;
            }
        }
        return new MessageView(header.toByteArray());
    }

    /**
     * {@code BODYSTRUCTURE} with {@code extended}, else {@code BODY} (no extension data), parenthesised.
     * Written as UTF-8, like {@link #envelope()}.
     */
    public String bodyStructure(boolean extended) {
        String s = extended ? bodyStructure : body;
        if (s == null) {
            StringBuilder b = new StringBuilder(256);
            structure(b, root, extended);
            s = b.toString();
            if (extended) bodyStructure = s;
            else body = s;
        }
        return s;
    }

    /**
     * The octets of a section, whole; the caller applies a {@link Partial}. HEADER and MIME end with
     * the empty line; HEADER.FIELDS gives the matching fields as written, then the empty line. Part
     * {@code 1} of a message that is not multipart is its body; HEADER / TEXT of a part are those of
     * the message/rfc822 it holds.
     *
     * @return the octets; empty (never null) when the message has no such part, as Dovecot answers
     */
    public byte[] section(SectionSpec section) {
        List<Integer> path = section.part();
        Entity node = path.isEmpty() ? root : resolve(path);
        if (node == null) return new byte[0];
        Entity message = path.isEmpty() ? root : node.message;
        switch (section.text()) {
            case NONE:
                return path.isEmpty() ? slice(root.start, root.end) : slice(node.bodyStart, node.end);
            case MIME:
                return slice(node.start, node.bodyStart);
            case HEADER:
                return message == null ? new byte[0] : slice(message.start, message.bodyStart);
            case TEXT:
                return message == null ? new byte[0] : slice(message.bodyStart, message.end);
            default:
                if (message == null) return new byte[0];
                String[] names = section.fields().toArray(new String[0]);
                Enumeration<String> lines = section.text() == SectionSpec.Text.HEADER_FIELDS
                        ? message.headers.getMatchingHeaderLines(names)
                        : message.headers.getNonMatchingHeaderLines(names);
                StringBuilder b = new StringBuilder();
                while (lines.hasMoreElements()) b.append(lines.nextElement()).append("\r\n");
                if (section.text() == SectionSpec.Text.HEADER_FIELDS) return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
                // Dovecot's HEADER.FIELDS.NOT is the header minus those fields, byte for byte: no empty
                // line added where the header had none, nor a line end after a last line without one
                int hs = message.start, he = message.bodyStart;
                if (he == hs || bytes[he - 1] != '\n') b.setLength(Math.max(0, b.length() - 2));
                else if (he - hs >= 2 && (he - hs == 2 || bytes[he - 3] == '\n')) b.append("\r\n");
                return b.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * The content of a part with its transfer encoding undone (RFC 3516 BINARY); the empty path is
     * the whole message. A multipart or an attached message comes with every part in it decoded
     * and each decoded part's header saying {@code Content-Transfer-Encoding: binary}, as Dovecot
     * answers (the RFC leaves that open).
     *
     * @return the octets; empty (never null) when there is no such part, as Dovecot answers
     * @throws UnknownCteException when the encoding is not one of RFC 2045's (Dovecot knows no more)
     */
    public byte[] binary(List<Integer> part) throws UnknownCteException {
        Entity node = part.isEmpty() ? root : resolve(part);
        if (node == null) return new byte[0];
        ByteArrayOutputStream out = new ByteArrayOutputStream(node.end - node.start);
        binary(node, part.isEmpty(), out);
        return out.toByteArray();
    }

    /** {@code BINARY.SIZE}: the length of {@link #binary}. */
    public long binarySize(List<Integer> part) throws UnknownCteException {
        return binary(part).length;
    }

    /** Writes an entity (its header too when asked) with every base64 and quoted-printable part in it decoded. */
    private void binary(Entity e, boolean withHeader, ByteArrayOutputStream out) throws UnknownCteException {
        if (e.children != null || e.message != null) {
            if (withHeader) out.write(bytes, e.start, e.bodyStart - e.start);
            if (e.message != null) {
                binary(e.message, true, out);
                return;
            }
            int pos = e.bodyStart;
            for (Entity c : e.children) {
                if (c.start < pos) continue;
                out.write(bytes, pos, c.start - pos);
                binary(c, true, out);
                pos = c.end;
            }
            out.write(bytes, pos, e.end - pos);
            return;
        }
        String cte = trimmed(e.first("Content-Transfer-Encoding"));
        boolean encoded = cte != null && (cte.equalsIgnoreCase("base64") || cte.equalsIgnoreCase("quoted-printable"));
        byte[] body = decoded(e, true);
        if (withHeader) {
            if (encoded) {
                StringBuilder h = new StringBuilder();
                for (Enumeration<String> lines = e.headers.getNonMatchingHeaderLines(new String[]{"Content-Transfer-Encoding"});
                     lines.hasMoreElements(); ) {
                    h.append(lines.nextElement()).append("\r\n");
                }
                h.append("Content-Transfer-Encoding: binary\r\n\r\n");
                out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            } else {
                out.write(bytes, e.start, e.bodyStart - e.start);
            }
        }
        out.writeBytes(body);
    }

    /**
     * The day of the {@code Date} header in its own time zone, for SENTBEFORE / SENTON /
     * SENTSINCE (RFC 9051 6.4.4: time and zone disregarded); null when it is missing or does not parse.
     */
    public LocalDate sentDate() {
        String raw = root.first("Date");
        if (raw == null) return null;
        // comments and the weekday go: a wrong weekday is common and says nothing about the day
        String date = raw.replaceAll("\\([^)]*\\)", " ").replaceFirst("^\\s*[A-Za-z]+\\s*,", "").trim().replaceAll("\\s+", " ");
        try {
            return java.time.OffsetDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toLocalDate();
        } catch (RuntimeException notStrict) {
            try {
                // Jakarta's lenient reader takes what the strict one does not (two-digit years, zone
                // names); it gives an instant, so the day is UTC's
                return new MailDateFormat().parse(date).toInstant().atOffset(ZoneOffset.UTC).toLocalDate();
            } catch (java.text.ParseException | RuntimeException e) {
                return null;
            }
        }
    }

    /** Every value of a top-level header field, unfolded, as written (encoded words kept). */
    public List<String> header(String name) {
        String[] values = root.headers.getHeader(name);
        if (values == null) return List.of();
        List<String> out = new ArrayList<>(values.length);
        for (String v : values) out.add(text(v));
        return out;
    }

    /**
     * SEARCH {@code HEADER name text} and FROM / TO / CC / BCC / SUBJECT: whether a field of that
     * name contains {@code text}, case-insensitively, in its decoded value (encoded words undone).
     * An empty {@code text} matches every message that has the field.
     */
    public boolean headerContains(String name, String text) {
        String needle = fold(text);
        for (String v : header(name)) if (fold(MimeView.decode(v)).contains(needle)) return true;
        return false;
    }

    /**
     * SEARCH {@code BODY text}: whether the body contains {@code text}, case-insensitively: every
     * text part with its transfer encoding and charset undone, and the header fields of attached
     * messages (decoded); other parts (images, archives) are not searched.
     */
    public boolean bodyContains(String text) {
        String needle = fold(text);
        List<String> texts = new ArrayList<>();
        bodyTexts(root, texts, false);
        for (String t : texts) if (fold(t).contains(needle)) return true;
        return false;
    }

    /** SEARCH {@code TEXT text}: any header field of the message (decoded) or {@link #bodyContains} contains it. */
    public boolean textContains(String text) {
        String needle = fold(text);
        if (fold(decodedHeaders(root)).contains(needle)) return true;
        return bodyContains(text);
    }

    // ---- structure ----

    /**
     * One MIME entity: its header at [start, bodyStart), its body at [bodyStart, end). A multipart
     * has children; a message/rfc822 part has the message it holds.
     */
    private static final class Entity {
        final int start, bodyStart, end;
        final InternetHeaders headers;
        final Type type;
        List<Entity> children;
        Entity message;

        Entity(int start, int bodyStart, int end, InternetHeaders headers, Type type) {
            this.start = start;
            this.bodyStart = bodyStart;
            this.end = end;
            this.headers = headers;
            this.type = type;
        }

        /** The first value of a field, unfolded and shown as text; null when missing. */
        String first(String name) {
            Enumeration<String> lines = headers.getMatchingHeaderLines(new String[]{name});
            return lines.hasMoreElements() ? value(lines.nextElement()) : null;
        }

        /** The last value of a field: Dovecot's ENVELOPE shows the last of repeated fields. */
        String last(String name) {
            String v = null;
            for (Enumeration<String> lines = headers.getMatchingHeaderLines(new String[]{name}); lines.hasMoreElements(); ) {
                v = lines.nextElement();
            }
            return v == null ? null : value(v);
        }

        /**
         * A field's value from its raw line: after the colon and the blanks on that line, unfolded.
         * (Jakarta's own value also drops the blanks after a fold, which Dovecot keeps.)
         */
        private static String value(String line) {
            int i = line.indexOf(':') + 1;
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) i++;
            return text(line.substring(i));
        }
    }

    /** Content-Type: type and subtype as written, parameters in order as written. */
    private record Type(String type, String subtype, List<String[]> params) {
        boolean is(String t, String s) {
            return type.equalsIgnoreCase(t) && (s == null || subtype.equalsIgnoreCase(s));
        }

        String param(String name) {
            for (String[] p : params) if (p[0].equalsIgnoreCase(name)) return p[1];
            return null;
        }
    }

    private static Entity entity(byte[] bytes, int start, int end, boolean digestChild, int depth, int[] budget) {
        Range in = new Range(bytes, start, end);
        InternetHeaders headers;
        try {
            headers = new InternetHeaders(in, false);
        } catch (MessagingException | RuntimeException e) {
            headers = new InternetHeaders();
            in = new Range(bytes, start, end);
        }
        int bodyStart = in.absolute();
        Type type = contentType(headers.getHeader("Content-Type", null), digestChild);
        Entity e = new Entity(start, bodyStart, end, headers, type);
        budget[0]--;
        if (depth >= MAX_DEPTH || budget[0] <= 0) return e;
        if (type.is("multipart", null)) {
            List<Entity> children = new ArrayList<>();
            boolean digest = type.is("multipart", "digest");
            for (int[] r : split(bytes, bodyStart, end, type)) {
                if (budget[0] <= 0) break;
                children.add(entity(bytes, r[0], r[1], digest, depth + 1, budget));
            }
            if (children.isEmpty()) {
                children.add(new Entity(end, end, end, new InternetHeaders(), contentType(null, false)));
            }
            e.children = Collections.unmodifiableList(children);
        } else if (type.is("message", "rfc822")) {
            e.message = entity(bytes, bodyStart, end, false, depth + 1, budget);
        }
        return e;
    }

    /** Where Jakarta Mail finds the parts of a multipart body: [start, end) of each, or none when it cannot. */
    private static List<int[]> split(byte[] bytes, int from, int to, Type type) {
        // Jakarta would guess a boundary from the first "--" line; Dovecot does not, and neither does this
        if (type.param("boundary") == null) return List.of();
        StringBuilder ct = new StringBuilder(type.type()).append('/').append(type.subtype());
        ct.append("; boundary=\"").append(type.param("boundary").replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        try {
            Splitter s = new Splitter(new RangeSource(bytes, from, to, ct.toString()));
            s.getCount();
            return s.ranges;
        } catch (MessagingException | RuntimeException e) {
            return List.of();
        }
    }

    /** Jakarta Mail's multipart parser, asked only where each part begins and ends. */
    private static final class Splitter extends MimeMultipart {
        List<int[]> ranges = new ArrayList<>();

        Splitter(DataSource ds) throws MessagingException {
            super(ds);
        }

        @Override
        protected MimeBodyPart createMimeBodyPart(InputStream is) {
            if (ranges == null) ranges = new ArrayList<>();
            Range r = (Range) is;
            ranges.add(new int[]{r.absolute(), r.limit()});
            return new MimeBodyPart();
        }
    }

    private record RangeSource(byte[] bytes, int from, int to, String contentType) implements DataSource {
        @Override
        public InputStream getInputStream() {
            return new Range(bytes, from, to);
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            throw new IOException("read-only");
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getName() {
            return "part";
        }
    }

    /**
     * A slice of the message's bytes that Jakarta Mail shares rather than copies, and that tells
     * where in the message it is: the offsets of every part come from it.
     */
    private static final class Range extends ByteArrayInputStream implements SharedInputStream {
        private final int base;

        Range(byte[] buf, int base, int end) {
            super(buf, base, end - base);
            this.base = base;
        }

        int absolute() {
            return pos;
        }

        int limit() {
            return count;
        }

        @Override
        public long getPosition() {
            return pos - base;
        }

        @Override
        public InputStream newStream(long start, long end) {
            int from = (int) Math.min(count, base + start);
            int to = end < 0 ? count : (int) Math.min(count, base + end);
            return new Range(buf, from, Math.max(from, to));
        }
    }

    /**
     * Resolves a part path as RFC 9051 6.4.5 numbers parts: the parts of a multipart, the body of
     * a message (part 1 when it is not multipart) and, into an attached message, its parts. Where
     * the RFC is silent Dovecot's answer is followed: part 1 of a leaf part is that part.
     */
    private Entity resolve(List<Integer> path) {
        Entity node = root;
        boolean atMessage = true;   // node is a message whose body the next number picks from
        boolean end = false;        // node is a message's non-multipart body: nothing below it
        for (int n : path) {
            if (end) return null;
            if (!atMessage && node.message != null) {
                node = node.message;
                atMessage = true;
            }
            if (node.children != null) {
                if (n > node.children.size()) return null;
                node = node.children.get(n - 1);
            } else if (n != 1) {
                return null;
            } else if (atMessage) {
                end = node.message == null;
            }
            atMessage = false;
        }
        return node;
    }

    private byte[] slice(int from, int to) {
        byte[] out = new byte[Math.max(0, to - from)];
        System.arraycopy(bytes, from, out, 0, out.length);
        return out;
    }

    // ---- ENVELOPE and BODYSTRUCTURE ----

    private static void envelope(StringBuilder b, Entity e) {
        b.append('(');
        ImapString.appendNString(b, e.last("Date")).append(' ');
        ImapString.appendNString(b, e.last("Subject")).append(' ');
        List<String> from = addresses(e.last("From"));
        appendAddresses(b, from).append(' ');
        List<String> sender = addresses(e.last("Sender"));
        appendAddresses(b, sender.isEmpty() ? from : sender).append(' ');
        List<String> replyTo = addresses(e.last("Reply-To"));
        appendAddresses(b, replyTo.isEmpty() ? from : replyTo).append(' ');
        appendAddresses(b, addresses(e.last("To"))).append(' ');
        appendAddresses(b, addresses(e.last("Cc"))).append(' ');
        appendAddresses(b, addresses(e.last("Bcc"))).append(' ');
        ImapString.appendNString(b, e.last("In-Reply-To")).append(' ');
        ImapString.appendNString(b, e.last("Message-ID"));
        b.append(')');
    }

    private static StringBuilder appendAddresses(StringBuilder b, List<String> list) {
        if (list.isEmpty()) return b.append("NIL");
        b.append('(');
        for (String a : list) b.append(a);
        return b.append(')');
    }

    /**
     * An address field as ENVELOPE's address structures {@code (name adl mailbox host)}, each one
     * rendered; a group is its start {@code (NIL NIL name NIL)}, its members and its end
     * {@code (NIL NIL NIL NIL)}. Jakarta Mail's lenient parser reads the field; display names keep
     * their encoded words. Missing parts are named as Dovecot names them (MISSING_MAILBOX,
     * MISSING_DOMAIN), since NIL there would mean a group.
     */
    private static List<String> addresses(String field) {
        if (field == null || field.isBlank()) return List.of();
        List<String> out = new ArrayList<>();
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parseHeader(field, false);
        } catch (MessagingException | RuntimeException e) {
            parsed = new InternetAddress[0];
        }
        for (InternetAddress a : parsed) {
            if (a.isGroup()) {
                String whole = a.getAddress();
                int colon = whole.indexOf(':');
                out.add(address(null, colon < 0 ? whole.trim() : whole.substring(0, colon).trim(), null));
                try {
                    InternetAddress[] members = a.getGroup(false);
                    if (members != null) for (InternetAddress m : members) out.add(mailbox(m));
                } catch (MessagingException | RuntimeException ignored) {
                    // a group whose members do not parse is shown empty
                }
                out.add("(NIL NIL NIL NIL)");
            } else {
                out.add(mailbox(a));
            }
        }
        return out;
    }

    private static String mailbox(InternetAddress a) {
        String addr = a.getAddress() == null ? "" : a.getAddress();
        String personal = a.getPersonal() == null ? null : rawPersonal(a);
        String route = null;
        if (addr.startsWith("@") && addr.indexOf(':') > 0) {
            // an obsolete source route (<@relay:user@host>) is ENVELOPE's adl
            route = addr.substring(0, addr.indexOf(':'));
            addr = addr.substring(addr.indexOf(':') + 1);
        }
        int at = addr.lastIndexOf('@');
        String local = at < 0 ? addr : addr.substring(0, at);
        String domain = at < 0 ? "" : addr.substring(at + 1);
        if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
            local = unquote(local);
            // a lone quoted phrase ("Only Name") is a name without an address, as Dovecot reads it
            if (at < 0 && personal == null) {
                personal = local;
                local = "";
            }
        }
        StringBuilder b = new StringBuilder("(");
        ImapString.appendNString(b, personal).append(' ');
        ImapString.appendNString(b, route).append(' ');
        ImapString.appendString(b, local.isEmpty() ? "MISSING_MAILBOX" : local).append(' ');
        ImapString.appendString(b, domain.isEmpty() ? "MISSING_DOMAIN" : domain);
        return b.append(')').toString();
    }

    /** The display name as written, encoded words kept: Jakarta keeps it so and writes it back in {@code toString()}. */
    private static String rawPersonal(InternetAddress a) {
        String s = a.toString();
        int lt = s.lastIndexOf(" <");
        if (lt < 0 || !s.endsWith(">")) return a.getPersonal();
        String phrase = s.substring(0, lt).trim();
        return phrase.length() >= 2 && phrase.startsWith("\"") && phrase.endsWith("\"") ? unquote(phrase) : phrase;
    }

    private static String unquote(String quoted) {
        StringBuilder b = new StringBuilder(quoted.length());
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length() - 1) c = quoted.charAt(++i);
            b.append(c);
        }
        return b.toString();
    }

    private static String address(String name, String mailbox, String host) {
        StringBuilder b = new StringBuilder("(");
        ImapString.appendNString(b, name).append(" NIL ");
        ImapString.appendNString(b, mailbox).append(' ');
        ImapString.appendNString(b, host);
        return b.append(')').toString();
    }

    private void structure(StringBuilder b, Entity e, boolean ext) {
        b.append('(');
        if (e.children != null) {
            for (Entity c : e.children) structure(b, c, ext);
            b.append(' ');
            ImapString.appendString(b, e.type.subtype());
            if (ext) {
                b.append(' ');
                params(b, e.type.params());
                b.append(' ');
                extension(b, e);
            }
            b.append(')');
            return;
        }
        ImapString.appendString(b, e.type.type()).append(' ');
        ImapString.appendString(b, e.type.subtype()).append(' ');
        params(b, e.type.params());
        b.append(' ');
        ImapString.appendNString(b, e.first("Content-ID")).append(' ');
        ImapString.appendNString(b, e.first("Content-Description")).append(' ');
        String cte = trimmed(e.first("Content-Transfer-Encoding"));
        ImapString.appendString(b, cte == null || cte.isEmpty() ? "7bit" : cte).append(' ');
        b.append(e.end - e.bodyStart);
        if (e.message != null) {
            b.append(' ');
            envelope(b, e.message);
            b.append(' ');
            structure(b, e.message, ext);
            b.append(' ').append(lines(e));
        } else if (e.type.is("text", null)) {
            b.append(' ').append(lines(e));
        }
        if (ext) {
            b.append(' ');
            ImapString.appendNString(b, e.first("Content-MD5")).append(' ');
            extension(b, e);
        }
        b.append(')');
    }

    /** Disposition, language and location: the extension data both kinds of part end with. */
    private static void extension(StringBuilder b, Entity e) {
        String disposition = e.first("Content-Disposition");
        Type d = disposition == null ? null : parameterised(disposition, false);
        if (d == null) {
            b.append("NIL");
        } else {
            b.append('(');
            ImapString.appendString(b, d.type()).append(' ');
            params(b, d.params());
            b.append(')');
        }
        b.append(' ');
        String language = e.first("Content-Language");
        List<String> languages = new ArrayList<>();
        if (language != null) {
            for (String l : language.replaceAll("\\([^)]*\\)", "").split(",")) if (!l.isBlank()) languages.add(l.trim());
        }
        if (languages.isEmpty()) {
            b.append("NIL");
        } else {
            b.append('(');
            for (int i = 0; i < languages.size(); i++) {
                if (i > 0) b.append(' ');
                ImapString.appendString(b, languages.get(i));
            }
            b.append(')');
        }
        b.append(' ');
        ImapString.appendNString(b, e.first("Content-Location"));
    }

    private static void params(StringBuilder b, List<String[]> params) {
        if (params.isEmpty()) {
            b.append("NIL");
            return;
        }
        b.append('(');
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) b.append(' ');
            ImapString.appendString(b, params.get(i)[0]).append(' ');
            ImapString.appendString(b, params.get(i)[1]);
        }
        b.append(')');
    }

    /** Lines of a body as Dovecot counts them: its line feeds (a last line without one does not count). */
    private int lines(Entity e) {
        int n = 0;
        for (int i = e.bodyStart; i < e.end; i++) if (bytes[i] == '\n') n++;
        return n;
    }

    /**
     * A Content-Type (RFC 2045 5.1) read with Jakarta Mail's MIME tokenizer; parameters as written
     * (RFC 2231 forms not merged, as Dovecot shows them). A missing or unreadable type is
     * {@code text/plain; charset=us-ascii} (RFC 2045 5.2), {@code message/rfc822} in a digest; a
     * text type without a charset says us-ascii, as Dovecot writes it.
     */
    private static Type contentType(String raw, boolean digestChild) {
        Type t = raw == null ? null : parameterised(text(raw), true);
        if (t == null) {
            return digestChild ? new Type("message", "rfc822", List.of())
                    : new Type("text", "plain", List.of(new String[][]{{"charset", "us-ascii"}}));
        }
        if (t.is("text", null) && t.param("charset") == null) {
            List<String[]> params = new ArrayList<>(t.params());
            params.add(new String[]{"charset", "us-ascii"});
            return new Type(t.type(), t.subtype(), params);
        }
        return t;
    }

    /**
     * {@code value *(";" attribute "=" value)} with {@code type "/" subtype} first when
     * {@code withSubtype}; null when the leading value does not parse, the parameters read up to
     * the first that does not.
     */
    private static Type parameterised(String value, boolean withSubtype) {
        HeaderTokenizer tk = new HeaderTokenizer(value, HeaderTokenizer.MIME, true);
        String type, subtype = null;
        try {
            HeaderTokenizer.Token t = tk.next();
            if (t.getType() != HeaderTokenizer.Token.ATOM) return null;
            type = t.getValue();
            if (withSubtype) {
                // a type without a subtype ("image") stays so, as Dovecot shows it
                subtype = "";
                if (tk.peek().getType() == '/') {
                    tk.next();
                    t = tk.next();
                    if (t.getType() != HeaderTokenizer.Token.ATOM) return null;
                    subtype = t.getValue();
                }
            }
        } catch (jakarta.mail.internet.ParseException | RuntimeException e) {
            return null;
        }
        List<String[]> params = new ArrayList<>();
        try {
            while (true) {
                HeaderTokenizer.Token t = tk.next();
                if (t.getType() == HeaderTokenizer.Token.EOF) break;
                if (t.getType() != ';') break;
                t = tk.next();
                if (t.getType() == HeaderTokenizer.Token.EOF) break;
                if (t.getType() != HeaderTokenizer.Token.ATOM) break;
                String name = t.getValue();
                if (tk.next().getType() != '=') break;
                t = tk.next();
                if (t.getType() != HeaderTokenizer.Token.ATOM && t.getType() != HeaderTokenizer.Token.QUOTEDSTRING) break;
                params.add(new String[]{name, t.getValue()});
            }
        } catch (jakarta.mail.internet.ParseException | RuntimeException e) {
            // the parameters read so far stand
        }
        return new Type(type, subtype == null ? "" : subtype, continued(params));
    }

    /**
     * RFC 2231 continuations ({@code name*0="long" name*1="name.eml"}) joined into one
     * {@code name}, in place of the first; encoded ones ({@code name*=}, {@code name*0*=}) stay as
     * written, as Dovecot leaves them.
     */
    private static List<String[]> continued(List<String[]> params) {
        boolean any = false;
        for (String[] p : params) any |= p[0].matches(".+\\*\\d+");
        if (!any) return List.copyOf(params);
        List<String[]> out = new ArrayList<>();
        java.util.Map<String, java.util.TreeMap<Integer, String>> parts = new java.util.LinkedHashMap<>();
        for (String[] p : params) {
            java.util.regex.Matcher m = CONTINUATION.matcher(p[0]);
            if (!m.matches()) {
                out.add(p);
                continue;
            }
            String name = m.group(1).toLowerCase(Locale.ROOT);
            if (!parts.containsKey(name)) out.add(new String[]{m.group(1), null});
            parts.computeIfAbsent(name, k -> new java.util.TreeMap<>()).putIfAbsent(Integer.parseInt(m.group(2)), p[1]);
        }
        for (String[] p : out) {
            if (p[1] == null) p[1] = String.join("", parts.get(p[0].toLowerCase(Locale.ROOT)).values());
        }
        return List.copyOf(out);
    }

    private static final java.util.regex.Pattern CONTINUATION = java.util.regex.Pattern.compile("(.+)\\*(\\d{1,4})");

    // ---- decoding ----

    /** The body with its transfer encoding undone; an unknown encoding is refused or, for search, read as it is. */
    private byte[] decoded(Entity e, boolean strict) throws UnknownCteException {
        String cte = trimmed(e.first("Content-Transfer-Encoding"));
        String c = cte == null ? "" : cte.toLowerCase(Locale.ROOT);
        byte[] raw = slice(e.bodyStart, e.end);
        switch (c) {
            case "", "7bit", "8bit", "binary":
                return raw;
            case "base64", "quoted-printable":
                ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
                try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(raw), c)) {
                    byte[] buf = new byte[8192];
                    for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
                } catch (IOException | MessagingException | RuntimeException broken) {
                    // what decoded before the broken encoding stands, as Dovecot's lenient decoders do
                }
                return out.toByteArray();
            default:
                if (strict) throw new UnknownCteException(cte);
                return raw;
        }
    }

    private void bodyTexts(Entity e, List<String> out, boolean headersToo) {
        if (headersToo) out.add(decodedHeaders(e));
        if (e.children != null) {
            for (Entity c : e.children) bodyTexts(c, out, false);
        } else if (e.message != null) {
            bodyTexts(e.message, out, true);
        } else if (e.type.is("text", null)) {
            byte[] content;
            try {
                content = decoded(e, false);
            } catch (UnknownCteException cannot) {
                return;
            }
            out.add(new String(content, charset(e.type.param("charset"))));
        }
    }

    private static Charset charset(String name) {
        if (name == null) return StandardCharsets.UTF_8;
        try {
            String java = MimeUtility.javaCharset(name.trim());
            // us-ascii text that holds 8-bit bytes is nearly always UTF-8
            if (java.equalsIgnoreCase("us-ascii") || java.equalsIgnoreCase("ascii")) return StandardCharsets.UTF_8;
            return Charset.forName(java);
        } catch (RuntimeException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    private static String decodedHeaders(Entity e) {
        StringBuilder b = new StringBuilder();
        for (Enumeration<jakarta.mail.Header> h = e.headers.getAllHeaders(); h.hasMoreElements(); ) {
            jakarta.mail.Header x = h.nextElement();
            b.append(x.getName()).append(": ").append(MimeView.decode(text(x.getValue() == null ? "" : x.getValue()))).append('\n');
        }
        return b.toString();
    }

    /** Case folding for SEARCH's case-insensitive substring match. */
    private static String fold(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }

    /**
     * A header value as read (ISO-8859-1, one char per byte), unfolded (CR LF removed, the
     * white space after them kept, as Dovecot does) and, where its bytes are UTF-8, read as UTF-8.
     */
    private static String text(String raw) {
        String unfolded = raw.indexOf('\n') < 0 && raw.indexOf('\r') < 0 ? raw : raw.replace("\r", "").replace("\n", "");
        for (int i = 0; i < unfolded.length(); i++) {
            if (unfolded.charAt(i) >= 0x80) return new String(unfolded.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
        return unfolded;
    }
}
