package dev.portico.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.CoreConstants;
import dev.portico.core.LogSafe;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Logback's {@code %ex} with every exception message escaped by {@link LogSafe}: a message can
 * hold client text (a path, a name, an address), and a line feed in it would otherwise start a
 * line of its own in the log, one a client wrote. The stack trace keeps its lines; each message,
 * the causes' and the suppressed exceptions' included, stays on its first line. Nothing is cut.
 * The pattern word is {@value #WORD}.
 */
public final class EscapedThrowableConverter extends ThrowableProxyConverter {

    /** The pattern word, registered by {@link #register}. */
    public static final String WORD = "safeEx";

    /** Makes {@code %}{@value #WORD} known to the patterns of {@code context}. */
    @SuppressWarnings("unchecked")
    public static void register(LoggerContext context) {
        Map<String, Supplier<?>> rules = (Map<String, Supplier<?>>) context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (rules == null) {
            rules = new HashMap<>();
            context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        }
        rules.put(WORD, EscapedThrowableConverter::new);
    }

    @Override
    protected String throwableProxyToString(IThrowableProxy tp) {
        return super.throwableProxyToString(new Escaped(tp));
    }

    /** The proxy as logged, with its messages (and its causes' and suppressed ones') escaped. */
    private record Escaped(IThrowableProxy d) implements IThrowableProxy {
        @Override public String getMessage() { return escape(d.getMessage()); }
        @Override public String getOverridingMessage() { return escape(d.getOverridingMessage()); }
        @Override public String getClassName() { return d.getClassName(); }
        @Override public StackTraceElementProxy[] getStackTraceElementProxyArray() { return d.getStackTraceElementProxyArray(); }
        @Override public int getCommonFrames() { return d.getCommonFrames(); }
        @Override public IThrowableProxy getCause() { return d.getCause() == null ? null : new Escaped(d.getCause()); }
        @Override public boolean isCyclic() { return d.isCyclic(); }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] s = d.getSuppressed();
            if (s == null) return null;
            IThrowableProxy[] out = new IThrowableProxy[s.length];
            for (int i = 0; i < s.length; i++) out[i] = new Escaped(s[i]);
            return out;
        }

        private static String escape(String message) {
            return message == null ? null : LogSafe.text(message, Integer.MAX_VALUE);
        }
    }
}
