package dev.portico.app;

import dev.portico.core.Settings;

import java.nio.file.Path;

/**
 * How the {@code portico} command logs: {@code log.format} ({@code text}, the default, or
 * {@code json}) for the built-in setup, and the data folder, where a {@code logback.xml} replaces
 * the built-in setup altogether. {@code -Dlogback.configurationFile} wins over both.
 */
record LogConfig(Format format, Path data) {

    enum Format { TEXT, JSON }

    static LogConfig from(Settings s) {
        return new LogConfig(s.choice("log.format", Format.class, Format.TEXT), Path.of(s.string("data", "data")));
    }

    /** The operator's own logback configuration in the data folder. */
    Path userFile() {
        return data.resolve("logback.xml");
    }
}
