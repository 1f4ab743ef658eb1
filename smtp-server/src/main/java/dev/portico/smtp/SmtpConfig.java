package dev.portico.smtp;

import dev.portico.core.Cidr;
import dev.portico.core.ConfigException;
import dev.portico.core.Limits;
import dev.portico.core.MinDataRate;
import dev.portico.core.ProxyProtocol;
import dev.portico.core.Settings;
import dev.portico.smtp.relay.RelayPolicy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Settings of the SMTP server, read from the {@code smtp.*} keys by {@link #from(Settings)} only;
 * tests build theirs the same way, from {@code Settings.of("smtp.port", "0", ...)}.
 *
 * @param port              main listener, {@link #DEFAULT_PORT} by default, 0 picks a free port; empty when {@code off}
 * @param submissionPort    587-style listener that requires AUTH before MAIL; empty (off) by default
 * @param bind              listen address, null for the shared bind address
 * @param proxyProtocol    the proxies whose connections start with a PROXY header ({@code smtp.proxy-protocol.from}),
 *                         or null for the process-wide {@code proxy-protocol.from}
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
 * @param minDataRate       slowest a message body (DATA, BDAT chunks) may arrive before 421 and close
 * @param catchAll          accept mail for every address of every domain, each local part its own
 *                          mailbox made on first delivery (tests, {@code --dev}; see {@link LocalDelivery})
 * @param implicitPort      SMTPS listener, TLS from the first byte (RFC 8314, 465 in production), requiring
 *                          AUTH before MAIL like the submission listener; empty (off) by default
 * @param relayNetworks     clients that may relay without AUTH ({@code smtp.relay.networks}, CIDR list, empty by default)
 * @param senderAliases     user name to the extra envelope senders an authenticated user may use
 *                          ({@code smtp.sender-aliases=alice:sales@example.org,alice:@example.net}: a full
 *                          address, or {@code @domain} for all of a domain)
 * @param maxReceivedHeaders {@code Received:} headers a message may carry; more is a loop, refused with 554 5.4.6
 *                          (RFC 5321 6.3 asks for a threshold of at least 100; Postfix's hopcount_limit is 50)
 */
public record SmtpConfig(OptionalInt port, OptionalInt submissionPort, InetAddress bind, ProxyProtocol proxyProtocol,
                         String hostname, Limits limits,
                         long maxMessageSize, int maxRecipients, int maxTextLine, boolean vrfy,
                         boolean tlsRequired, boolean authPlaintext, BareLineEndings bareLineEndings,
                         Delivery delivery, boolean requireHeaders, boolean addMissingHeaders, boolean mimeCheck,
                         int maxUnknownCommands, int maxAuthFailures, int spoolMemory, MinDataRate minDataRate,
                         boolean catchAll, OptionalInt implicitPort, List<Cidr> relayNetworks,
                         Map<String, List<String>> senderAliases, int maxReceivedHeaders) {

    public SmtpConfig {
        relayNetworks = List.copyOf(relayNetworks);
        senderAliases = Map.copyOf(senderAliases);
    }

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

    /** Every key at its default: port 2525, no submission listener, Maildir delivery. */
    public static SmtpConfig defaults() {
        return from(Settings.empty());
    }

    /** Reads every {@code smtp.*} key, each one unconditionally; errors name the key. */
    public static SmtpConfig from(Settings s) {
        OptionalInt port = s.port("smtp.port", OptionalInt.of(DEFAULT_PORT));
        OptionalInt submissionPort = s.port("smtp.submission-port", OptionalInt.empty());
        InetAddress bind = s.address("smtp.bind", null);
        ProxyProtocol proxyProtocol = ProxyProtocol.from(s, "smtp.proxy-protocol.from", null);
        String hostname = s.string("smtp.hostname", null);
        Limits limits = Limits.from(s, "smtp", DEFAULT_LIMITS);
        long maxMessageSize = s.size("smtp.max-message-size", 25L << 20);
        require(maxMessageSize >= 1, "smtp.max-message-size", "must be at least 1");
        int maxRecipients = s.integer("smtp.max-recipients", 100);
        require(maxRecipients >= 1, "smtp.max-recipients", "must be at least 1");
        int maxTextLine = s.integer("smtp.max-text-line", 1000);
        require(maxTextLine >= 80, "smtp.max-text-line", "must be at least 80");
        boolean vrfy = s.bool("smtp.vrfy", false);
        boolean tlsRequired = s.bool("smtp.tls.required", false);
        boolean authPlaintext = s.bool("smtp.auth.plaintext", false);
        BareLineEndings bareLineEndings = s.choice("smtp.bare-line-endings", BareLineEndings.class, BareLineEndings.REJECT);
        Delivery delivery = s.choice("smtp.delivery", Delivery.class, Delivery.MAILDIR);
        boolean requireHeaders = s.bool("smtp.require-headers", false);
        boolean addMissingHeaders = s.bool("smtp.add-missing-headers", true);
        boolean mimeCheck = s.bool("smtp.mime-check", true);
        int maxUnknownCommands = s.integer("smtp.max-unknown-commands", 10);
        require(maxUnknownCommands >= 0, "smtp.max-unknown-commands", "must not be negative");
        int maxAuthFailures = s.integer("smtp.max-auth-failures", 3);
        require(maxAuthFailures >= 1, "smtp.max-auth-failures", "must be at least 1");
        long spoolMemory = s.size("smtp.spool-memory", 64 << 10);
        require(spoolMemory >= 0, "smtp.spool-memory", "must not be negative");
        MinDataRate minDataRate = MinDataRate.from(s, "smtp", MinDataRate.DEFAULT);
        boolean catchAll = s.bool("smtp.catch-all", false);
        OptionalInt implicitPort = s.port("smtp.implicit-port", OptionalInt.empty());
        List<Cidr> relayNetworks = new ArrayList<>();
        for (String n : s.list("smtp.relay.networks", List.of())) {
            try {
                relayNetworks.add(Cidr.parse(n));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("smtp.relay.networks", e.getMessage());
            }
        }
        Map<String, List<String>> senderAliases = senderAliases(s.list("smtp.sender-aliases", List.of()));
        int maxReceivedHeaders = s.integer("smtp.max-received-headers", 100);
        require(maxReceivedHeaders >= 1, "smtp.max-received-headers", "must be at least 1");
        return new SmtpConfig(port, submissionPort, bind, proxyProtocol, hostname, limits, maxMessageSize, maxRecipients, maxTextLine,
                vrfy, tlsRequired, authPlaintext, bareLineEndings, delivery, requireHeaders, addMissingHeaders, mimeCheck,
                maxUnknownCommands, maxAuthFailures, (int) Math.min(Integer.MAX_VALUE, spoolMemory), minDataRate, catchAll,
                implicitPort, relayNetworks, senderAliases, maxReceivedHeaders);
    }

    /** {@code USER:ADDRESS} or {@code USER:@DOMAIN} items, gathered per user; addresses in lower case. */
    private static Map<String, List<String>> senderAliases(List<String> items) {
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        for (String item : items) {
            int colon = item.indexOf(':');
            String user = colon < 0 ? "" : item.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String address = colon < 0 ? "" : item.substring(colon + 1).strip();
            int at = address.lastIndexOf('@');
            if (user.isEmpty() || at < 0 || at == address.length() - 1) {
                throw new ConfigException("smtp.sender-aliases", "expected USER:ADDRESS or USER:@DOMAIN, got " + item);
            }
            String canonical = address.substring(0, at).toLowerCase(Locale.ROOT) + "@"
                    + RelayPolicy.canonicalDomain(address.substring(at + 1));
            aliases.computeIfAbsent(user, u -> new ArrayList<>()).add(canonical);
        }
        aliases.replaceAll((u, list) -> List.copyOf(list));
        return aliases;
    }

    private static void require(boolean valid, String key, String problem) {
        if (!valid) throw new ConfigException(key, problem);
    }
}
