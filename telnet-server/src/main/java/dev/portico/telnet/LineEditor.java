package dev.portico.telnet;

import java.io.IOException;
import java.util.List;

/**
 * Reads one line from key events. In character mode (we echo, RFC 857) it edits in place:
 * backspace/DEL, Ctrl-U, Ctrl-W, Ctrl-A/Ctrl-E, left/right arrows, up/down history and tab
 * completion. It moves the cursor with BS and by re-printing characters, which every terminal
 * understands, so no terminal capability is needed for editing. Without echo (the client's line
 * mode, or a password) it just collects bytes up to the line end.
 */
final class LineEditor {

    /** Events that are not data bytes. */
    static final int INTERRUPT = -2, ERASE_CHAR = -3, ERASE_LINE = -4, EOF = -5, IDLE = -6;

    /** Why {@link #read} returned null. */
    enum End { EOF, IDLE, LOGOUT }

    /** Tab completion: the word starting at {@code start} may be replaced by one of {@code matches}. */
    record Completion(int start, List<String> matches) {
        static final Completion NONE = new Completion(0, List.of());
    }

    /** Where keys come from and what the line is edited against. */
    interface Keys {
        /** Blocks for the next event: a data byte 0-255 or one of the negative constants. */
        int next();

        /** Whether to send GA after a prompt (RFC 854, when SGA is not in effect). */
        boolean goAhead();

        List<String> history();

        Completion complete(String before);

        /** Whether we echo (RFC 857), so the line end is ours to print; else the client echoed it. */
        boolean serverEchoes();
    }

    private static final int ESC = 27;

    private final Keys keys;
    private final TelnetOutput out;
    private final int maxLength;
    private End end = End.EOF;

    private final StringBuilder line = new StringBuilder();
    private int cursor;
    private boolean echo;
    private String prompt;
    /** Position in the history while Up/Down browse it; the line typed before browsing. */
    private int historyIndex;
    private String draft;

    LineEditor(Keys keys, TelnetOutput out, int maxLength) {
        this.keys = keys;
        this.out = out;
        this.maxLength = maxLength;
    }

    /** Why the last {@link #read} returned null. */
    End end() {
        return end;
    }

    /**
     * Prints the prompt and reads a line. Returns null at end of input, on idle timeout, or on
     * Ctrl-D at an empty line ({@link #end()} says which); Ctrl-C / IP gives an empty line.
     *
     * @param echo      we echo and edit (character mode)
     * @param shellLine history and completion apply
     */
    String read(String prompt, boolean echo, boolean shellLine) throws IOException {
        this.prompt = prompt;
        this.echo = echo;
        line.setLength(0);
        cursor = 0;
        historyIndex = keys.history().size();
        draft = "";
        Utf8 utf8 = new Utf8();
        out.print(prompt);
        if (keys.goAhead()) out.command(Telnet.GA);
        out.flush();
        while (true) {
            int k = keys.next();
            switch (k) {
                case EOF -> { end = End.EOF; return null; }
                case IDLE -> { end = End.IDLE; return null; }
                case INTERRUPT -> {
                    out.print(echo ? TelnetReplies.INTERRUPTED + "\n" : keys.serverEchoes() ? "\n" : "");
                    out.flush();
                    return "";
                }
                case TelnetCodec.ENTER -> {
                    if (keys.serverEchoes()) out.print("\n");
                    out.flush();
                    return line.toString();
                }
                case 4 -> {                         // Ctrl-D
                    if (line.isEmpty()) {
                        end = End.LOGOUT;
                        if (keys.serverEchoes()) out.print("\n");
                        return null;
                    }
                    deleteForward();
                }
                case 8, 127, ERASE_CHAR -> backspace();
                case 21, ERASE_LINE -> replace(line.substring(cursor), 0);   // Ctrl-U, EL
                case 23 -> deleteWord();                                     // Ctrl-W
                case 1 -> moveTo(0);                                         // Ctrl-A
                case 5 -> moveTo(line.length());                             // Ctrl-E
                case 2 -> moveTo(cursor - 1);                                // Ctrl-B
                case 6 -> moveTo(cursor + 1);                                // Ctrl-F
                case 9 -> { if (shellLine && echo) complete(); }
                case ESC -> editKey(escape(), shellLine);
                default -> {
                    if (k < 32) break;              // other control characters do nothing
                    int c = utf8.add(k);
                    if (c >= 0) insert(Character.toString(c));
                }
            }
            out.flush();
        }
    }

    /** Arrow keys and the like, decoded by {@link #escape()}: cursor moves and history. */
    private void editKey(int key, boolean shellLine) throws IOException {
        if (!echo) return;
        List<String> history = keys.history();
        switch (key) {
            case 'A' -> {
                if (shellLine && historyIndex > 0) {
                    if (historyIndex == history.size()) draft = line.toString();
                    String h = history.get(--historyIndex);
                    replace(h, h.length());
                }
            }
            case 'B' -> {
                if (shellLine && historyIndex < history.size()) {
                    historyIndex++;
                    String h = historyIndex == history.size() ? draft : history.get(historyIndex);
                    replace(h, h.length());
                }
            }
            case 'C' -> moveTo(cursor + 1);
            case 'D' -> moveTo(cursor - 1);
            case 'H' -> moveTo(0);
            case 'F' -> moveTo(line.length());
            case '~' -> deleteForward();
            default -> { }
        }
    }

    /**
     * Reads the rest of an ANSI escape (ESC [ A, ESC O A, ESC [ 3 ~, at most 8 bytes) and
     * returns its final letter, or '~' for the delete key, or 0.
     */
    private int escape() {
        int k = keys.next();
        if (k != '[' && k != 'O') return 0;   // ESC + a key: ignored
        StringBuilder params = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            int c = keys.next();
            if (c < 0) return 0;
            if (c >= '0' && c <= '9' || c == ';') {
                params.append((char) c);
                continue;
            }
            if (c == '~') return params.toString().equals("3") ? '~' : params.toString().equals("1") ? 'H'
                    : params.toString().equals("4") ? 'F' : 0;
            return c;
        }
        return 0;
    }

    private void insert(String s) throws IOException {
        if (line.length() + s.length() > maxLength) {
            if (echo) out.print("\u0007");
            return;
        }
        line.insert(cursor, s);
        cursor += s.length();
        if (!echo) return;
        String tail = line.substring(cursor);
        out.print(s + tail + "\b".repeat(tail.length()));
    }

    private void backspace() throws IOException {
        if (cursor == 0) return;
        line.deleteCharAt(cursor - 1);
        cursor--;
        if (!echo) return;
        String tail = line.substring(cursor);
        out.print("\b" + tail + " " + "\b".repeat(tail.length() + 1));
    }

    private void deleteForward() throws IOException {
        if (cursor >= line.length()) return;
        line.deleteCharAt(cursor);
        if (!echo) return;
        String tail = line.substring(cursor);
        out.print(tail + " " + "\b".repeat(tail.length() + 1));
    }

    private void deleteWord() throws IOException {
        int i = cursor;
        while (i > 0 && line.charAt(i - 1) == ' ') i--;
        while (i > 0 && line.charAt(i - 1) != ' ') i--;
        replace(line.substring(0, i) + line.substring(cursor), i);
    }

    private void moveTo(int target) throws IOException {
        int t = Math.max(0, Math.min(line.length(), target));
        if (echo) {
            if (t < cursor) out.print("\b".repeat(cursor - t));
            else if (t > cursor) out.print(line.substring(cursor, t));
        }
        cursor = t;
    }

    /** Replaces the whole line and puts the cursor at {@code newCursor}, redrawing in place. */
    private void replace(String text, int newCursor) throws IOException {
        String old = line.toString();
        if (echo) {
            StringBuilder b = new StringBuilder("\b".repeat(cursor));
            b.append(text);
            int extra = Math.max(0, old.length() - text.length());
            b.append(" ".repeat(extra)).append("\b".repeat(extra));
            b.append("\b".repeat(text.length() - newCursor));
            out.print(b.toString());
        }
        line.setLength(0);
        line.append(text);
        cursor = newCursor;
    }

    private void complete() throws IOException {
        String before = line.substring(0, cursor);
        Completion c = keys.complete(before);
        List<String> m = c.matches();
        if (m.isEmpty()) {
            out.print("\u0007");
            return;
        }
        String word = before.substring(c.start());
        String common = m.size() == 1 ? m.get(0) : commonPrefix(m);
        if (common.length() > word.length()) {
            String rest = line.substring(cursor);
            String text = before.substring(0, c.start()) + common + rest;
            if (text.length() <= maxLength) replace(text, c.start() + common.length());
            return;
        }
        if (m.size() > 1) {
            // Show the choices, then the prompt and the line again, as shells do.
            List<String> shown = m.subList(0, Math.min(m.size(), 200)).stream().map(LineEditor::shown).toList();
            out.print("\n" + String.join("  ", shown) + "\n" + prompt + line
                    + "\b".repeat(line.length() - cursor));
        }
    }

    /** A candidate as listed: its last path segment, without the space a completion adds. */
    private static String shown(String candidate) {
        String c = candidate.endsWith(" ") ? candidate.substring(0, candidate.length() - 1) : candidate;
        int slash = c.lastIndexOf('/', c.length() - 2);
        return c.substring(slash + 1);
    }

    private static String commonPrefix(List<String> words) {
        String p = words.get(0);
        for (String w : words) {
            int i = 0;
            while (i < p.length() && i < w.length() && p.charAt(i) == w.charAt(i)) i++;
            p = p.substring(0, i);
        }
        return p;
    }

    /** Assembles UTF-8 sequences into code points; malformed input becomes U+FFFD. */
    private static final class Utf8 {
        private int need, code;

        int add(int b) {
            if (need == 0) {
                if (b < 0x80) return b;
                if (b >= 0xC2 && b <= 0xDF) { need = 1; code = b & 0x1F; return -1; }
                if (b >= 0xE0 && b <= 0xEF) { need = 2; code = b & 0x0F; return -1; }
                if (b >= 0xF0 && b <= 0xF4) { need = 3; code = b & 0x07; return -1; }
                return 0xFFFD;
            }
            if ((b & 0xC0) != 0x80) { need = 0; return 0xFFFD; }
            code = code << 6 | b & 0x3F;
            if (--need > 0) return -1;
            return Character.isValidCodePoint(code) && !(code >= 0xD800 && code <= 0xDFFF) ? code : 0xFFFD;
        }
    }
}
