package dev.portico.imap;

import dev.portico.core.LineConnection;
import dev.portico.core.Refusal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The IMAP command reader (RFC 9051 2.2, 4 and 9): a pull tokenizer over {@link LineConnection}'s
 * bounded lines. A command is one line unless it carries literals: {@code {n}} at a line's end is
 * answered with the {@code + } continuation before its octets are read, {@code {n+}} (LITERAL+,
 * RFC 7888) is not; either way the command goes on on the next line. Every size is checked before
 * anything is read: a string literal is capped by the line length, an APPEND message by APPENDLIMIT,
 * a whole command by {@link #commandCap}. A syntax error is a {@link Refusal} with a BAD reply;
 * {@link #skipRest} then throws away what the client still sends of that command, so the next
 * line read is the next command.
 */
final class ImapInput {

    /** A line that does not start with a valid tag: answered with an untagged BAD. */
    static final class NoTag extends RuntimeException {
        NoTag() {
            super(null, null, false, false);
        }
    }

    /** The head of one command: its tag and verb ({@code UID_FETCH} for {@code UID FETCH}). */
    record Head(String tag, String verb) {}

    private final LineConnection connection;
    private final int maxString;
    private final long commandCap;
    private String line = "";
    private int i;
    /** Octets read for the command under way, literals included (APPEND's message excepted). */
    private long commandBytes;
    private boolean syntaxError;

    /** Whether the command under way was refused for its syntax. */
    boolean syntaxError() {
        return syntaxError;
    }

    /** Whether the command's last line was read to its end. */
    private boolean done = true;

    ImapInput(LineConnection connection, int maxLineLength) {
        this.connection = connection;
        this.maxString = maxLineLength;
        this.commandCap = 4L * maxLineLength;
    }

    /** Reads the next command's first line, its tag and its verb; null at the end of the stream. */
    Head next() throws IOException {
        String l = connection.readLine();
        if (l == null) return null;
        line = l;
        i = 0;
        done = false;
        syntaxError = false;
        commandBytes = l.length();
        int start = i;
        while (i < line.length() && isTagChar(line.charAt(i))) i++;
        if (i == start || i >= line.length() || line.charAt(i) != ' ') throw new NoTag();
        String tag = line.substring(start, i);
        i++;
        String verb = atom().toUpperCase(Locale.ROOT);
        if (verb.equals("UID") && peek() == ' ') {
            i++;
            verb = "UID_" + atom().toUpperCase(Locale.ROOT);
        }
        return new Head(tag, verb);
    }

    /** The text of the current line, for logging. */
    String currentLine() {
        return line;
    }

    // ---- characters ---------------------------------------------------------------------------

    int peek() {
        return i < line.length() ? line.charAt(i) : -1;
    }

    boolean atEnd() {
        return i >= line.length();
    }

    /** Takes {@code c} when it is next. */
    boolean take(char c) {
        if (peek() == c) {
            i++;
            return true;
        }
        return false;
    }

    void expect(char c) {
        if (!take(c)) throw syntax("expected '" + c + "'");
    }

    void sp() {
        expect(' ');
    }

    /** The command must end here. */
    void end() {
        if (!atEnd()) throw syntax("unexpected characters at the end of the command");
        done = true;
    }

    /** Takes {@code word} (any case) when the next atom is exactly it. */
    boolean takeWord(String word) {
        int n = word.length();
        if (line.regionMatches(true, i, word, 0, n)) {
            int after = i + n;
            if (after == line.length() || !isAtomChar(line.charAt(after)) || line.charAt(after) == ']') {
                i = after;
                return true;
            }
        }
        return false;
    }

    // ---- tokens -------------------------------------------------------------------------------

    String atom() {
        int start = i;
        while (i < line.length() && isAtomChar(line.charAt(i))) i++;
        if (i == start) throw syntax("expected an atom");
        return line.substring(start, i);
    }

    /** An atom that may also hold {@code ]} (the ASTRING-CHARs): flags' keywords, search keys' values. */
    private String astringAtom() {
        int start = i;
        while (i < line.length() && (isAtomChar(line.charAt(i)) || line.charAt(i) == ']')) i++;
        if (i == start) throw syntax("expected a string");
        return line.substring(start, i);
    }

    String astring() throws IOException {
        int c = peek();
        if (c == '"' || c == '{' || c == '~') return string();
        return astringAtom();
    }

    String string() throws IOException {
        int c = peek();
        if (c == '"') return quoted();
        if (c == '{' || c == '~') return new String(literal(), StandardCharsets.UTF_8);
        throw syntax("expected a string");
    }

    /** A mailbox pattern of LIST (list-mailbox): atoms with {@code %} and {@code *}, or a string. */
    String listMailbox() throws IOException {
        int c = peek();
        if (c == '"' || c == '{') return string();
        int start = i;
        while (i < line.length()) {
            char ch = line.charAt(i);
            if (!(isAtomChar(ch) || ch == '%' || ch == '*' || ch == ']')) break;
            i++;
        }
        if (i == start) throw syntax("expected a mailbox pattern");
        return line.substring(start, i);
    }

    private String quoted() {
        i++;
        StringBuilder b = new StringBuilder();
        while (i < line.length()) {
            char ch = line.charAt(i++);
            if (ch == '"') return b.toString();
            if (ch == '\\') {
                if (i >= line.length()) break;
                ch = line.charAt(i++);
                if (ch != '"' && ch != '\\') throw syntax("only \\\" and \\\\ may be escaped in a quoted string");
            }
            b.append(ch);
        }
        throw syntax("unterminated quoted string");
    }

    long number() {
        int start = i;
        while (i < line.length() && Character.isDigit(line.charAt(i)) && i - start < 20) i++;
        if (i == start || i - start > 19) throw syntax("expected a number");
        try {
            return Long.parseLong(line, start, i, 10);
        } catch (NumberFormatException e) {
            throw syntax("number too large");
        }
    }

    /** The characters of a sequence set, parsed by {@link SequenceSet#parse}. */
    SequenceSet sequenceSet() {
        int start = i;
        while (i < line.length() && "0123456789:*,$".indexOf(line.charAt(i)) >= 0) i++;
        try {
            return SequenceSet.parse(line.substring(start, i));
        } catch (IllegalArgumentException e) {
            throw syntax("bad sequence set");
        }
    }

    /** Whether a sequence set starts here (for SEARCH keys). */
    boolean atSequenceSet() {
        int c = peek();
        return c >= '0' && c <= '9' || c == '*' || c == '$';
    }

    /** The text up to the matching {@code ]} (a FETCH section), brackets excluded; no literals inside. */
    String bracketed() {
        expect('[');
        int depth = 0;
        boolean quoted = false;
        int start = i;
        for (; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '\\') i++;
                else if (ch == '"') quoted = false;
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ']' && depth == 0) {
                String s = line.substring(start, i);
                i++;
                return s;
            }
        }
        throw syntax("unterminated section");
    }

    // ---- literals -----------------------------------------------------------------------------

    private record LiteralHead(long size, boolean synchronizing) {}

    /**
     * Reads {@code {n}} / {@code {n+}} / {@code ~{n}} at the line's end, checking its size against
     * {@code cap} before any octet is read.
     */
    private LiteralHead literalHead(long cap) {
        take('~');   // literal8 (RFC 3516 APPEND): the same octets here
        expect('{');
        int start = i;
        while (i < line.length() && Character.isDigit(line.charAt(i))) i++;
        int digitsEnd = i;
        if (digitsEnd == start) throw syntax("bad literal");
        boolean sync = !take('+');
        expect('}');
        if (!atEnd()) throw syntax("a literal must end its line");
        long n = digitsEnd - start > 18 ? Long.MAX_VALUE : Long.parseLong(line, start, digitsEnd, 10);
        if (n > cap || commandBytes + n > commandCap + cap) {
            done = true;
            // The client of a synchronizing literal waits for "+ " and sends nothing; the octets
            // of a non-synchronizing one are on their way, too many to read away.
            throw new Refusal(sync ? ImapReplies.TOO_BIG : ImapReplies.TOO_BIG_BYE);
        }
        return new LiteralHead(n, sync);
    }

    private void goAhead(LiteralHead h) throws IOException {
        if (h.synchronizing()) connection.sendLine("+ Ready for literal data");
    }

    /** A literal used as a string: at most one line's length. */
    byte[] literal() throws IOException {
        LiteralHead h = literalHead(maxString);
        goAhead(h);
        byte[] b = connection.dataStream().readNBytes((int) h.size());
        if (b.length < h.size()) throw new EOFException("connection closed inside a literal");
        commandBytes += b.length;
        continueCommand();
        return b;
    }

    /** Whether a literal starts here. */
    boolean atLiteral() {
        return peek() == '{' || peek() == '~';
    }

    /**
     * APPEND's message literal, up to {@code cap} octets, as a stream over the connection that the
     * store reads; {@link #finishLiteral} must follow.
     */
    InputStream messageLiteral(long cap) throws IOException {
        LiteralHead h = literalHead(cap);
        goAhead(h);
        pending = new Bounded(connection.dataStream(), h.size());
        return pending;
    }

    private Bounded pending;

    /** Reads away what the store left of the message literal, then the rest of the command's line. */
    void finishLiteral() throws IOException {
        Bounded b = pending;
        pending = null;
        if (b != null) {
            b.drain();
            continueCommand();
        }
    }

    private void continueCommand() throws IOException {
        String l = connection.readLine();
        if (l == null) throw new EOFException("connection closed inside a command");
        commandBytes += l.length();
        line = l;
        i = 0;
    }

    /**
     * Throws away the rest of a refused command: the rest of its line and, where that ends in a
     * non-synchronizing literal the client sends anyway, the literal and the lines after it. A
     * synchronizing literal's client waits for {@code + }, which it does not get.
     *
     * @throws Refusal with a closing BYE when a non-synchronizing literal is too large to skip
     */
    void skipRest() throws IOException {
        if (pending != null) finishLiteral();
        while (!done) {
            int open = line.lastIndexOf('{');
            if (!line.endsWith("+}") || open < 0) {
                done = true;
                return;
            }
            i = open;
            done = false;
            LiteralHead h = literalHead(maxString * 64L);   // too large: BYE
            connection.dataStream().skipNBytes(h.size());
            commandBytes += h.size();
            continueCommand();
        }
    }

    /** The BAD reply for a syntax error here. */
    Refusal syntax(String what) {
        syntaxError = true;
        return new Refusal(ImapReply.bad(what));
    }

    // ---- character classes (RFC 9051 9) --------------------------------------------------------

    static boolean isAtomChar(char c) {
        return c > 0x20 && c < 0x7f && "(){ %*\"\\]".indexOf(c) < 0;
    }

    /** Tags are ASTRING-CHARs except {@code +} (RFC 9051 9). */
    static boolean isTagChar(char c) {
        return (isAtomChar(c) || c == ']') && c != '+';
    }

    /** At most {@code size} octets of the connection, for APPEND. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override public int read() throws IOException {
            if (left == 0) return -1;
            int b = in.read();
            if (b < 0) throw new EOFException("connection closed inside a literal");
            left--;
            return b;
        }

        @Override public int read(byte[] b, int off, int n) throws IOException {
            if (left == 0) return -1;
            int k = in.read(b, off, (int) Math.min(n, left));
            if (k < 0) throw new EOFException("connection closed inside a literal");
            left -= k;
            return k;
        }

        void drain() throws IOException {
            in.skipNBytes(left);
            left = 0;
        }

        @Override public void close() {
            // the connection stays open; finishLiteral reads what is left
        }
    }
}
