package dev.portico.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the ERROR events logged in this JVM, for fuzz targets: the command table logs a
 * handler's unexpected exception (a bug) at ERROR before it answers with the local-error reply, so
 * "nothing at ERROR" is how a socket-level fuzz target sees that no handler failed.
 */
public final class LogWatch {

    private static final List<String> errors = new ArrayList<>();
    private static boolean installed;

    private LogWatch() {}

    /** Attaches the collector to the root logger once per JVM. */
    public static synchronized void install() {
        if (installed) return;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
                    String line = e.getLoggerName() + ": " + e.getFormattedMessage()
                            + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getClassName()
                            + ": " + e.getThrowableProxy().getMessage());
                    synchronized (LogWatch.class) {
                        if (errors.size() < 100) errors.add(line);
                    }
                }
            }
        };
        appender.setContext(context);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        installed = true;
    }

    /** The ERROR events since the last call. */
    public static synchronized List<String> takeErrors() {
        List<String> out = List.copyOf(errors);
        errors.clear();
        return out;
    }
}
