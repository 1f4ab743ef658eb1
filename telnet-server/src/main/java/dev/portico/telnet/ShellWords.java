package dev.portico.telnet;

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

    private ShellWords() {}

    /** @throws IllegalArgumentException for an unterminated quote or a trailing backslash */
    static List<Word> split(String line) {
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
                if (close < 0) throw new IllegalArgumentException("unterminated single quote");
                w.append(line, i + 1, close);
                i = close + 1;
            } else if (c == '"') {
                i++;
                while (true) {
                    if (i >= n) throw new IllegalArgumentException("unterminated double quote");
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
                if (i + 1 >= n) throw new IllegalArgumentException("trailing backslash");
                w.append(line.charAt(i + 1));
                i += 2;
            } else {
                w.append(c);
                i++;
            }
        }
        if (inWord) words.add(new Word(w.toString(), n));
        return words;
    }

    /** Just the texts. */
    static List<String> texts(String line) {
        return split(line).stream().map(Word::text).toList();
    }
}
