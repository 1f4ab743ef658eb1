package dev.portico.telnet;

import dev.portico.core.Refusal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way a POSIX shell quotes (no expansion of any kind):
 * 'single quotes' keep everything, "double quotes" keep everything but \" \\ \$ \`, and a
 * backslash outside quotes keeps the next character.
 */
final class ShellWords {

    /** A word and where it ended in the line (exclusive). */
    record Word(String text, int end) {}

    /**
     * The words of a line, or why it has none: a line with an unterminated quote or a trailing
     * backslash is the user's typing mistake, answered as {@code shell: error}.
     *
     * @param error null when the line split
     */
    record Split(List<Word> words, String error) {
        static Split failed(String error) {
            return new Split(List.of(), error);
        }

        /** What the shell answers for a line that does not split. */
        ShellReply errorReply() {
            return ShellReply.of("shell: " + error);
        }
    }

    private ShellWords() {}

    static Split split(String line) {
        List<Word> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        int i = 0, n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                if (inWord) { words.add(new Word(w.toString(), i)); w.setLength(0); inWord = false; }
                i++;
                continue;
            }
            inWord = true;
            if (c == '\'') {
                int close = line.indexOf('\'', i + 1);
                if (close < 0) return Split.failed("unterminated single quote");
                w.append(line, i + 1, close);
                i = close + 1;
            } else if (c == '"') {
                i++;
                while (true) {
                    if (i >= n) return Split.failed("unterminated double quote");
                    char d = line.charAt(i);
                    if (d == '"') { i++; break; }
                    if (d == '\\' && i + 1 < n && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                        w.append(line.charAt(i + 1));
                        i += 2;
                    } else {
                        w.append(d);
                        i++;
                    }
                }
            } else if (c == '\\') {
                if (i + 1 >= n) return Split.failed("trailing backslash");
                w.append(line.charAt(i + 1));
                i += 2;
            } else {
                w.append(c);
                i++;
            }
        }
        if (inWord) words.add(new Word(w.toString(), n));
        return new Split(words, null);
    }

    /**
     * Just the texts, for a handler splitting its argument.
     *
     * @throws Refusal with the same {@code shell:} line as a whole command line that does not split
     */
    static List<String> texts(String line) {
        Split split = split(line);
        if (split.error() != null) throw new Refusal(split.errorReply());
        return split.words().stream().map(Word::text).toList();
    }
}
