package dev.portico.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An exception message holding client text with line breaks (here a forged log line after a
 * LF, a CR LF and a Unicode line separator), logged with its stack trace through
 * {@code %safeEx}: the message stays on its line, escaped; the stack trace keeps its own lines.
 */
class EscapedThrowableConverterTest {

    private static final String FORGED = "2026-12-02 05:00:00.000 INFO  [main] Portico - admin logged in";

    @Test
    void messagesOfTheExceptionItsCausesAndSuppressedOnesCannotStartALine() {
        LoggerContext context = new LoggerContext();
        // the pattern of LogSetup, without the parts that vary (time, thread)
        PatternLayout layout = layout(context, "%-5level %logger{0} - %msg%n%" + EscapedThrowableConverter.WORD);

        IllegalStateException cause = new IllegalStateException("cause of /b\r\n" + FORGED);
        IllegalArgumentException thrown = new IllegalArgumentException("no such file: /a\n" + FORGED, cause);
        thrown.addSuppressed(new IllegalStateException("suppressed /c\u2028" + FORGED));
        Logger logger = context.getLogger("dev.portico.core.CommandTable");
        String out = layout.doLayout(new LoggingEvent(Logger.class.getName(), logger, Level.ERROR,
                "ftp#1 alice LIST failed", thrown, null));

        List<String> lines = Arrays.asList(out.split("\r?\n|\r|\u2028", -1));
        assertThat(lines).first().isEqualTo("ERROR CommandTable - ftp#1 alice LIST failed");
        assertThat(lines).noneMatch(l -> l.startsWith(FORGED));
        assertThat(lines).contains(
                "java.lang.IllegalArgumentException: no such file: /a\\n" + FORGED,
                "Caused by: java.lang.IllegalStateException: cause of /b\\r\\n" + FORGED,
                "\tSuppressed: java.lang.IllegalStateException: suppressed /c\\u2028" + FORGED);
        // the frames are still lines of their own
        assertThat(lines).anyMatch(l -> l.startsWith("\tat dev.portico.app.EscapedThrowableConverterTest."));
        assertThat(lines.stream().filter(l -> !l.isEmpty()))
                .allMatch(l -> l.startsWith("ERROR ") || l.startsWith("java.lang.") || l.startsWith("Caused by: ")
                        || l.startsWith("\t"), "a line the logger or the stack trace wrote");
    }

    @Test
    void anEventWithoutAnExceptionAddsNothing() {
        LoggerContext context = new LoggerContext();
        PatternLayout layout = layout(context, "%msg%n%" + EscapedThrowableConverter.WORD);
        Logger logger = context.getLogger("x");
        assertThat(layout.doLayout(new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "plain", null, null)))
                .isEqualTo("plain" + System.lineSeparator());
    }

    /** A started layout of {@code pattern} in {@code context}, where the converter is registered as LogSetup does. */
    private static PatternLayout layout(LoggerContext context, String pattern) {
        EscapedThrowableConverter.register(context);
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(pattern);
        layout.start();
        return layout;
    }
}
