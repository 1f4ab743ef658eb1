package dev.portico.core;

import java.util.Locale;

/**
 * A command line split into its verb (upper case) and the rest, as every line protocol here
 * writes them: {@code VERB SP argument}.
 */
public record CommandLine(String verb, String argument) {

    public static CommandLine parse(String line) {
        int sp = line.indexOf(' ');
        if (sp < 0) return new CommandLine(line.toUpperCase(Locale.ROOT), "");
        return new CommandLine(line.substring(0, sp).toUpperCase(Locale.ROOT), line.substring(sp + 1));
    }
}
