package dev.portico.core.mail;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The mail domains delivered here ({@code domain} key, {@code localhost} by default): the first
 * is the primary one, used for greetings and for local parts written without a domain.
 */
public record MailDomains(List<String> names) {

    public MailDomains {
        names = names.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        if (names.isEmpty()) throw new IllegalArgumentException("at least one mail domain is needed");
    }

    public static MailDomains of(String... names) {
        return new MailDomains(List.of(names));
    }

    public String primary() {
        return names.get(0);
    }

    /** Whether mail to this domain is delivered here (case does not matter). */
    public boolean isLocal(String domain) {
        return names.contains(domain.toLowerCase(Locale.ROOT));
    }

    /** The local part of {@code local@domain} when the domain is one of ours. */
    public Optional<String> localPart(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || !isLocal(address.substring(at + 1))) return Optional.empty();
        return Optional.of(address.substring(0, at));
    }
}
