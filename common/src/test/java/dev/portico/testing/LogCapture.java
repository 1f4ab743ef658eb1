package dev.portico.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Captures what some loggers log during a test, at a level the test chooses (the test
 * configuration logs only WARN), with logback's {@link ListAppender}; closing it restores the
 * levels. Test classes of a module run in parallel, so a test looks only at the events that carry
 * its own marker: in the message ({@link #containing}) or in the logged exception's ({@link #thrown}).
 */
public final class LogCapture implements AutoCloseable {

    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Level level, Class<?>... classes) {
        appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        appender.start();
        for (Class<?> c : classes) {
            Logger l = (Logger) LoggerFactory.getLogger(c);
            loggers.add(l);
            levels.add(l.getLevel());
            l.setLevel(level);
            l.addAppender(appender);
        }
    }

    /** Starts capturing what the loggers of {@code classes} log at {@code level} and above. */
    public static LogCapture of(Level level, Class<?>... classes) {
        return new LogCapture(level, classes);
    }

    /** The formatted messages logged so far that contain {@code marker}. */
    public List<String> containing(String marker) {
        synchronized (appender) {   // AppenderBase.doAppend holds this lock while it adds
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(marker)).toList();
        }
    }

    /**
     * The events logged so far with an exception whose message contains {@code marker} (the
     * local-error tests inject a fault and look for its stack trace), in the order logged.
     */
    public List<ILoggingEvent> thrown(String marker) {
        synchronized (appender) {
            return appender.list.stream().filter(e -> e.getThrowableProxy() != null
                    && e.getThrowableProxy().getMessage() != null
                    && e.getThrowableProxy().getMessage().contains(marker)).toList();
        }
    }

    /**
     * Fails unless some message holds {@code marker}, and every message holding it is one line of
     * printable text: no CR, LF, NUL or other control character, no Unicode line separator.
     */
    public List<String> assertEscaped(String marker) {
        List<String> lines = containing(marker);
        assertThat(lines).as("log messages holding " + marker).isNotEmpty();
        for (String m : lines) {
            assertThat(m.chars().filter(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029))
                    .as("control characters in the log message %s", m).isEmpty();
        }
        return lines;
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).detachAppender(appender);
            loggers.get(i).setLevel(levels.get(i));
        }
        appender.stop();
    }
}
