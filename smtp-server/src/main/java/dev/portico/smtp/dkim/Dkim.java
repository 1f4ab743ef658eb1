package dev.portico.smtp.dkim;

import dev.portico.core.mail.MailDomains;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DKIM signing of the mail that leaves, for the domains {@code dkim.domains} names (the local mail
 * domains by default), with one key per domain under {@code DATA/dkim}, generated on first use.
 * What the relay calls for each message it sends: {@link #sign(String, Path)}. Thread-safe; a key
 * is read (or generated) once, on the first message of its domain, never at start-up.
 */
public final class Dkim {

    private static final Logger log = LoggerFactory.getLogger(Dkim.class);

    private final DkimConfig config;
    private final Path dir;
    private final List<String> domains;
    private final Clock clock;
    private final Map<String, DkimSigner> signers = new ConcurrentHashMap<>();

    /**
     * @param config  the {@code dkim.*} keys
     * @param dir     where the keys are kept ({@code DATA/dkim})
     * @param local   the local mail domains, signed for unless {@code dkim.domains} names others
     */
    public Dkim(DkimConfig config, Path dir, MailDomains local) {
        this(config, dir, local, Clock.systemUTC());
    }

    /** As above, with the clock that gives {@code t=} (tests). */
    public Dkim(DkimConfig config, Path dir, MailDomains local, Clock clock) {
        this.config = Objects.requireNonNull(config);
        this.dir = Objects.requireNonNull(dir);
        this.domains = config.domains() != null ? config.domains()
                : local.names().stream().map(DkimConfig::normalDomain).toList();
        this.clock = Objects.requireNonNull(clock);
    }

    /** The {@code DATA/dkim} folder of a data folder. */
    public static Path dir(Path dataDir) {
        return dataDir.resolve("dkim");
    }

    /** The domains mail is signed for, lower case. */
    public List<String> domains() {
        return domains;
    }

    /** Whether mail from {@code domain} is signed (any case, a trailing dot allowed). */
    public boolean signs(String domain) {
        return domain != null && domains.contains(DkimConfig.normalDomain(domain));
    }

    /**
     * The {@code DKIM-Signature} field to send before {@code message} (ending in CRLF), or empty
     * when {@code senderDomain} is not one this server signs for. The message is the exact bytes
     * that go on the wire after the field (CRLF line endings, not dot-stuffed) and is read once.
     * Pass the domain of the {@code From:} field (or the envelope sender's, which submission
     * makes the same): DMARC wants {@code d=} to match From.
     *
     * @throws IOException reading the message, or reading or writing the key (a failure to retry:
     *                     mail sent unsigned would fail DMARC at the receiver)
     */
    public Optional<String> sign(String senderDomain, InputStream message) throws IOException {
        if (!signs(senderDomain)) return Optional.empty();
        return Optional.of(signer(DkimConfig.normalDomain(senderDomain)).sign(message));
    }

    /** {@link #sign(String, InputStream)} of a message file. */
    public Optional<String> sign(String senderDomain, Path message) throws IOException {
        if (!signs(senderDomain)) return Optional.empty();
        try (InputStream in = Files.newInputStream(message)) {
            return sign(senderDomain, in);
        }
    }

    /** The selector of every signature ({@code dkim.selector}). */
    public String selector() {
        return config.selector();
    }

    /** The key of one domain, read or generated as {@link #sign} would ({@code portico dkim show}). */
    public DkimKey key(String domain) throws IOException {
        return DkimKey.loadOrCreate(DkimKey.file(dir, domain, config.selector()), config.algorithm());
    }

    private DkimSigner signer(String domain) throws IOException {
        DkimSigner s = signers.get(domain);
        if (s != null) return s;
        synchronized (signers) {   // one generation per key, not one per message that raced to it
            s = signers.get(domain);
            if (s != null) return s;
            DkimKey key = key(domain);
            if (key.algorithm() != config.algorithm()) {
                log.info("DKIM key {} is {}, not dkim.algorithm's {}: it is the one whose DNS record is published; "
                        + "a new dkim.selector makes a key of {}", key.file(), key.algorithm(), config.algorithm(), config.algorithm());
            }
            s = key.signer(domain, config.selector(), clock);
            signers.put(domain, s);
            return s;
        }
    }
}
