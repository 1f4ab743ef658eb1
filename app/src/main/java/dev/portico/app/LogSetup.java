package dev.portico.app;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import ch.qos.logback.core.util.StatusPrinter2;
import dev.portico.core.ConfigException;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Logging of the {@code portico} command. Whose configuration wins, first to last:
 * <ol>
 *   <li>{@code -Dlogback.configurationFile}, or a logback.xml / logback-test.xml on the class path
 *       (tests, embedders): logback's own {@code DefaultJoranConfigurator} reads those, but
 *       {@code ContextInitializer} runs it only after every {@link Configurator} found as a service
 *       has said {@code INVOKE_NEXT_IF_ANY}, so this one steps aside for them;</li>
 *   <li>{@code logback.xml} in the data folder, read with Joran by {@link #apply};</li>
 *   <li>the built-in setup, in code because parsing XML costs several hundred milliseconds of
 *       start-up: standard error through one writer thread that drops nothing and writes in batches
 *       ({@link BatchingConsoleAppender}), as text or as
 *       logback's {@link JsonEncoder} ({@code log.format}). {@code PORTICO_LOG_LEVEL} (default
 *       INFO) sets Portico's level.</li>
 * </ol>
 * Logs never go to standard output, which carries only the {@code portico: ...} lines scripts read.
 *
 * <p>The data folder is known only once the command line has read the arguments and the config file, and
 * logback is set up by the first logger anyone asks for, possibly earlier. So until {@link #apply}
 * the context only holds events, at every level; {@code apply} configures it for good and then
 * passes the held events, in order, to whatever the final configuration enables: written once,
 * in the final format, none lost.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    static final String HOLD = "portico-hold";
    /** Whether logback chose this setup: {@link #releaseHeld} need not start logback to find out. */
    private static volatile boolean chosen;

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = LogSetup.class.getClassLoader();
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
                || loader.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
                || loader.getResource(ClassicConstants.AUTOCONFIG_FILE) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        hold(context);
        chosen = true;
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Holds every event until {@link #apply} says where they go. */
    static void hold(LoggerContext context) {
        Hold hold = new Hold();
        hold.setContext(context);
        hold.setName(HOLD);
        hold.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.ALL);
        root.addAppender(hold);
    }

    /** {@link #apply(LoggerContext, LogConfig)} on the process's logback context. */
    static void apply(LogConfig config) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) apply(context, config);
    }

    /**
     * Configures logging for good, from the data folder's logback.xml or the built-in setup in
     * {@code config.format()}, then writes the held events. Does nothing when the user's
     * configuration was already read at start-up (nothing is held then). Runs before any server
     * starts, so no other thread logs while the context is reset.
     *
     * @throws ConfigException when the data folder's logback.xml has errors (printed to standard
     *         error); the built-in text setup is in place then, so nothing held is lost
     */
    static void apply(LoggerContext context, LogConfig config) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender(HOLD) instanceof Hold hold)) {
            if (config.format() == LogConfig.Format.JSON) {
                context.getLogger(LogSetup.class).warn("log.format=json is ignored: the logback configuration"
                        + " of -D{} or the class path is in charge", ClassicConstants.CONFIG_FILE_PROPERTY);
            }
            return;
        }
        Path file = config.userFile();
        if (!Files.isRegularFile(file)) {
            release(context, hold, config.format());
            return;
        }
        List<ILoggingEvent> held = hold.release();
        context.reset();
        // What Joran reports about this file, and only this file: earlier statuses are not its fault.
        List<Status> report = new CopyOnWriteArrayList<>();
        StatusListener listener = report::add;
        context.getStatusManager().add(listener);
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        try {
            joran.doConfigure(file.toFile());
        } catch (JoranException e) {
            // Joran has recorded the cause as an error status, printed below.
        } finally {
            context.getStatusManager().remove(listener);
        }
        if (report.stream().anyMatch(st -> st.getEffectiveLevel() >= Status.ERROR)) {
            StatusPrinter2 printer = new StatusPrinter2();
            printer.setPrintStream(System.err);
            printer.print(report);
            context.reset();
            builtIn(context, LogConfig.Format.TEXT);
            replay(context, held, hold.dropped());
            throw new ConfigException(file.toString(), "the logback configuration has errors (printed above)");
        }
        replay(context, held, hold.dropped());
        if (config.format() == LogConfig.Format.JSON) {
            context.getLogger(LogSetup.class).warn("log.format=json is ignored: {} configures logging", file);
        }
    }

    /**
     * The built-in text setup for whatever is still held: a command that ended before it read its
     * configuration (a refused option, {@code --help}) still shows what was logged.
     */
    static void releaseHeld() {
        if (chosen && LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(HOLD) instanceof Hold hold) {
            release(context, hold, LogConfig.Format.TEXT);
        }
    }

    private static void release(LoggerContext context, Hold hold, LogConfig.Format format) {
        List<ILoggingEvent> held = hold.release();
        context.reset();
        builtIn(context, format);
        replay(context, held, hold.dropped());
    }

    private static void builtIn(LoggerContext context, LogConfig.Format format) {
        BatchingConsoleAppender console = new BatchingConsoleAppender();
        console.setContext(context);
        console.setName("console");
        console.setEncoder(encoder(context, format));
        console.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        context.getLogger("dev.portico").setLevel(Level.toLevel(System.getenv("PORTICO_LOG_LEVEL"), Level.INFO));
    }

    /**
     * One JSON object per line with timestamp (epoch milliseconds), level, threadName, loggerName,
     * mdc, formattedMessage and, for an exception, throwable with its stack; the unformatted
     * message, its arguments, the sequence number and the context's name would only repeat or pad.
     */
    static Encoder<ILoggingEvent> encoder(LoggerContext context, LogConfig.Format format) {
        if (format == LogConfig.Format.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        EscapedThrowableConverter.register(context);
        text.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n%" + EscapedThrowableConverter.WORD);
        text.start();
        return text;
    }

    /** The held events, in order, to whatever the final configuration enables for them. */
    private static void replay(LoggerContext context, List<ILoggingEvent> held, int dropped) {
        for (ILoggingEvent e : held) {
            Logger logger = context.getLogger(e.getLoggerName());
            if (logger.isEnabledFor(e.getLevel())) logger.callAppenders(e);
        }
        if (dropped > 0) {
            context.getLogger(LogSetup.class).warn("{} log events from before the logging configuration was read were dropped",
                    dropped);
        }
    }

    /** Keeps events (bounded) until the configuration is known; writes nothing. */
    private static final class Hold extends AppenderBase<ILoggingEvent> {
        /** Far more than a start-up logs before its arguments are read; a bound all the same. */
        private static final int LIMIT = 10_000;
        private final List<ILoggingEvent> events = new ArrayList<>();
        private int dropped;

        @Override
        protected void append(ILoggingEvent e) {   // AppenderBase.doAppend holds this object's lock
            if (events.size() < LIMIT) {
                e.prepareForDeferredProcessing();
                events.add(e);
            } else {
                dropped++;
            }
        }

        synchronized List<ILoggingEvent> release() {
            stop();
            return List.copyOf(events);
        }

        synchronized int dropped() {
            return dropped;
        }
    }
}
