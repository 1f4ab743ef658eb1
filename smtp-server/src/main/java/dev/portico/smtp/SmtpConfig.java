package dev.portico.smtp;

import dev.portico.core.ConfigException;
import dev.portico.core.Limits;
import dev.portico.core.Settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Settings of the SMTP server, read from the {@code smtp.*} keys. Tests start from
 * {@link #defaults()} and change what they need with the {@code withXxx} methods.
 *
 * @param port              main listener, 2525 by default; {@link #OFF} disables it, 0 picks a free port
 * @param submissionPort    587-style listener that requires AUTH before MAIL; {@link #OFF} by default
 * @param bind              listen address, null for the shared bind address
 * @param hostname          name in the greeting and trace headers, null for the primary mail domain
 * @param limits            command line length (510 + CRLF, RFC 5321 4.5.3.1.4), idle timeout, sessions
 * @param maxMessageSize    SIZE limit in octets (RFC 1870)
 * @param maxRecipients     RCPT commands accepted per transaction (RFC 5321 4.5.3.1.8 asks for at least 100)
 * @param maxTextLine       octets of one message text line including CRLF (RFC 5321 4.5.3.1.6)
 * @param vrfy              whether VRFY answers truthfully (250/550) instead of 252
 * @param tlsRequired       whether MAIL and AUTH need STARTTLS first
 * @param authPlaintext     whether AUTH is offered without TLS
 * @param bareLineEndings   what to do with bare CR or LF in message text
 * @param delivery          the built-in delivery handler to use
 * @param requireHeaders    refuse messages without Date or From (RFC 5322 3.6)
 * @param addMissingHeaders add Date and Message-ID when the client did not (submission style)
 * @param mimeCheck         parse each accepted message as MIME and log structural problems
 * @param maxUnknownCommands unknown or malformed commands tolerated before 421 and close
 * @param maxAuthFailures   failed AUTH attempts per session before 421 and close
 * @param spoolMemory       octets of a message kept in memory before it spills to a file
 */
public record SmtpConfig(int port, int submissionPort, InetAddress bind, String hostname, Limits limits,
                         long maxMessageSize, int maxRecipients, int maxTextLine, boolean vrfy,
                         boolean tlsRequired, boolean authPlaintext, BareLineEndings bareLineEndings,
                         Delivery delivery, boolean requireHeaders, boolean addMissingHeaders, boolean mimeCheck,
                         int maxUnknownCommands, int maxAuthFailures, int spoolMemory) {

    /** Port value meaning "listener disabled". */
    public static final int OFF = -1;
    public static final int DEFAULT_PORT = 2525;
    /** 512 octets per command line including CR LF (RFC 5321 4.5.3.1.4). */
    public static final Limits DEFAULT_LIMITS = Limits.DEFAULT.withMaxLineLength(510).withIdleTimeout(Duration.ofMinutes(5));

    /** Bare CR or LF inside message text (the SMTP smuggling vector). */
    public enum BareLineEndings {
        /** Read the message to its end marker, then refuse it with 550 5.6.0. */
        REJECT,
        /** Store every bare CR or LF as CR LF. */
        NORMALIZE
    }

    /** The built-in delivery handlers, chosen by {@code smtp.delivery}. */
    public enum Delivery {
        /** {@link LocalDelivery}: local users' Maildirs. */
        MAILDIR,
        /** {@link DiscardDelivery}: read and drop (benchmarks). */
        DISCARD
    }

    public SmtpConfig {
        if (port < OFF || port > 65535 || submissionPort < OFF || submissionPort > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
        if (maxMessageSize < 1 || maxRecipients < 1 || maxTextLine < 80 || maxUnknownCommands < 0
                || maxAuthFailures < 1 || spoolMemory < 0) {
            throw new IllegalArgumentException("SMTP limits must be positive");
        }
    }

    public static SmtpConfig defaults() {
        return new SmtpConfig(DEFAULT_PORT, OFF, null, null, DEFAULT_LIMITS, 25L << 20, 100, 1000, false,
                false, false, BareLineEndings.REJECT, Delivery.MAILDIR, false, true, true, 10, 3, 64 << 10);
    }

    /** Reads every {@code smtp.*} key; errors name the key. */
    public static SmtpConfig from(Settings s) {
        SmtpConfig d = defaults();
        String bindText = s.string("smtp.bind", null);
        InetAddress bind = null;
        if (bindText != null) {
            try {
                bind = InetAddress.getByName(bindText);
            } catch (UnknownHostException e) {
                throw new ConfigException("smtp.bind", "unknown address: " + bindText);
            }
        }
        try {
            return new SmtpConfig(
                    s.port("smtp.port", DEFAULT_PORT).orElse(OFF),
                    s.port("smtp.submission-port", OFF).orElse(OFF),
                    bind,
                    s.string("smtp.hostname", null),
                    Limits.from(s, "smtp", DEFAULT_LIMITS),
                    s.size("smtp.max-message-size", d.maxMessageSize()),
                    s.integer("smtp.max-recipients", d.maxRecipients()),
                    s.integer("smtp.max-text-line", d.maxTextLine()),
                    s.bool("smtp.vrfy", d.vrfy()),
                    s.bool("smtp.tls.required", d.tlsRequired()),
                    s.bool("smtp.auth.plaintext", d.authPlaintext()),
                    choice(s, "smtp.bare-line-endings", BareLineEndings.class, d.bareLineEndings()),
                    choice(s, "smtp.delivery", Delivery.class, d.delivery()),
                    s.bool("smtp.require-headers", d.requireHeaders()),
                    s.bool("smtp.add-missing-headers", d.addMissingHeaders()),
                    s.bool("smtp.mime-check", d.mimeCheck()),
                    s.integer("smtp.max-unknown-commands", d.maxUnknownCommands()),
                    s.integer("smtp.max-auth-failures", d.maxAuthFailures()),
                    (int) Math.min(Integer.MAX_VALUE, s.size("smtp.spool-memory", d.spoolMemory())));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("smtp.*", e.getMessage());
        }
    }

    private static <E extends Enum<E>> E choice(Settings s, String key, Class<E> type, E def) {
        String v = s.string(key, null);
        if (v == null) return def;
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "unknown value " + v + ", use one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    public SmtpConfig withPort(int v) { return edit(e -> e.port = v); }
    public SmtpConfig withSubmissionPort(int v) { return edit(e -> e.submissionPort = v); }
    public SmtpConfig withBind(InetAddress v) { return edit(e -> e.bind = v); }
    public SmtpConfig withHostname(String v) { return edit(e -> e.hostname = v); }
    public SmtpConfig withLimits(Limits v) { return edit(e -> e.limits = v); }
    public SmtpConfig withMaxMessageSize(long v) { return edit(e -> e.maxMessageSize = v); }
    public SmtpConfig withMaxRecipients(int v) { return edit(e -> e.maxRecipients = v); }
    public SmtpConfig withVrfy(boolean v) { return edit(e -> e.vrfy = v); }
    public SmtpConfig withTlsRequired(boolean v) { return edit(e -> e.tlsRequired = v); }
    public SmtpConfig withAuthPlaintext(boolean v) { return edit(e -> e.authPlaintext = v); }
    public SmtpConfig withBareLineEndings(BareLineEndings v) { return edit(e -> e.bareLineEndings = v); }
    public SmtpConfig withDelivery(Delivery v) { return edit(e -> e.delivery = v); }
    public SmtpConfig withRequireHeaders(boolean v) { return edit(e -> e.requireHeaders = v); }
    public SmtpConfig withAddMissingHeaders(boolean v) { return edit(e -> e.addMissingHeaders = v); }
    public SmtpConfig withMimeCheck(boolean v) { return edit(e -> e.mimeCheck = v); }
    public SmtpConfig withMaxUnknownCommands(int v) { return edit(e -> e.maxUnknownCommands = v); }
    public SmtpConfig withMaxAuthFailures(int v) { return edit(e -> e.maxAuthFailures = v); }
    public SmtpConfig withSpoolMemory(int v) { return edit(e -> e.spoolMemory = v); }

    /** A mutable copy of every component, so that each with-er names only the one it changes. */
    private static final class Edit {
        int port;
        int submissionPort;
        InetAddress bind;
        String hostname;
        Limits limits;
        long maxMessageSize;
        int maxRecipients;
        int maxTextLine;
        boolean vrfy;
        boolean tlsRequired;
        boolean authPlaintext;
        BareLineEndings bareLineEndings;
        Delivery delivery;
        boolean requireHeaders;
        boolean addMissingHeaders;
        boolean mimeCheck;
        int maxUnknownCommands;
        int maxAuthFailures;
        int spoolMemory;
    }

    private SmtpConfig edit(Consumer<Edit> change) {
        Edit e = new Edit();
        e.port = port;
        e.submissionPort = submissionPort;
        e.bind = bind;
        e.hostname = hostname;
        e.limits = limits;
        e.maxMessageSize = maxMessageSize;
        e.maxRecipients = maxRecipients;
        e.maxTextLine = maxTextLine;
        e.vrfy = vrfy;
        e.tlsRequired = tlsRequired;
        e.authPlaintext = authPlaintext;
        e.bareLineEndings = bareLineEndings;
        e.delivery = delivery;
        e.requireHeaders = requireHeaders;
        e.addMissingHeaders = addMissingHeaders;
        e.mimeCheck = mimeCheck;
        e.maxUnknownCommands = maxUnknownCommands;
        e.maxAuthFailures = maxAuthFailures;
        e.spoolMemory = spoolMemory;
        change.accept(e);
        return new SmtpConfig(e.port, e.submissionPort, e.bind, e.hostname, e.limits, e.maxMessageSize, e.maxRecipients,
                e.maxTextLine, e.vrfy, e.tlsRequired, e.authPlaintext, e.bareLineEndings, e.delivery, e.requireHeaders,
                e.addMissingHeaders, e.mimeCheck, e.maxUnknownCommands, e.maxAuthFailures, e.spoolMemory);
    }
}
