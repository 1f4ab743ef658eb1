package dev.portico.smtp.dkim;

import dev.portico.core.ConfigException;
import dev.portico.core.Settings;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * DKIM signing of mail that leaves ({@code dkim.*} keys), read by {@link #from(Settings)} only.
 *
 * @param selector  the {@code s=} of every signature and the name of its DNS record
 *                  ({@code SELECTOR._domainkey.DOMAIN}); {@code portico} by default
 * @param algorithm {@code rsa-sha256} (default) or {@code ed25519-sha256}, for keys generated from now on
 * @param domains   the domains mail is signed for; null for the local mail domains ({@code domain}),
 *                  empty for none ({@code dkim.domains=off})
 */
public record DkimConfig(String selector, DkimAlgorithm algorithm, List<String> domains) {

    public static final String DEFAULT_SELECTOR = "portico";
    /** RFC 6376 3.1: a selector is dot-separated labels; a label here is what DNS host names allow, and '_'. */
    private static final Pattern SELECTOR = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
    /** A domain name that can also be a file name: no empty label, no leading '.', nothing but letters, digits, '-', '.'. */
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    public DkimConfig {
        domains = domains == null ? null : domains.stream().map(DkimConfig::normalDomain).toList();
    }

    /** Reads every {@code dkim.*} key, each one unconditionally; errors name the key. */
    public static DkimConfig from(Settings s) {
        String selector = s.string("dkim.selector", DEFAULT_SELECTOR).trim().toLowerCase(Locale.ROOT);
        if (selector.length() > 253 || !SELECTOR.matcher(selector).matches()) {
            throw new ConfigException("dkim.selector", "'" + selector + "' is not a DNS label (letters, digits, '-', '_', dots between)");
        }
        DkimAlgorithm algorithm = s.choice("dkim.algorithm", DkimAlgorithm.class, DkimAlgorithm.RSA_SHA256);
        List<String> domains = s.list("dkim.domains", null);
        if (domains != null && domains.size() == 1 && domains.get(0).equalsIgnoreCase("off")) {
            domains = List.of();
        } else if (domains != null) {
            for (String d : domains) {
                if (!isDomain(normalDomain(d))) throw new ConfigException("dkim.domains", "'" + d + "' is not a domain name");
            }
        }
        return new DkimConfig(selector, algorithm, domains);
    }

    /** Lower case, without the root's trailing dot: the spelling keys and file names use. */
    static String normalDomain(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    static boolean isDomain(String normal) {
        return normal.length() <= 253 && DOMAIN.matcher(normal).matches();
    }
}
