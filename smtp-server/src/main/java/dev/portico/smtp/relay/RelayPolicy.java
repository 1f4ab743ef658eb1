package dev.portico.smtp.relay;

import dev.portico.core.Cidr;
import dev.portico.core.mail.MailDomains;
import dev.portico.smtp.SmtpConfig;
import dev.portico.smtp.SmtpContext;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Who may send mail onward, and as whom. A session may relay (have mail for a non-local domain
 * accepted) when it authenticated with AUTH or its client address is in {@code smtp.relay.networks};
 * everyone else gets 554 5.7.1 for such recipients, so Portico is never an open relay. The
 * session asks {@link #mayRelay} for every recipient the {@link dev.portico.smtp.DeliveryHandler}
 * says it would {@linkplain dev.portico.smtp.DeliveryHandler#relays relay}, before the handler
 * sees it; {@link #isRoutingTrick} addresses are refused whatever the permission.
 *
 * <p>An authenticated user may use as envelope sender only {@code name@} each local domain, the
 * addresses {@code smtp.sender-aliases} gives them, or the null sender (RFC 6409 5.1, 553 5.7.1
 * otherwise): see {@link #mayUseSender}.
 *
 * <p>Domains compare as the DNS compares them: case-insensitive, and with a trailing dot (the
 * absolute form {@code example.org.}) the same as without, so neither can slip past a local-domain
 * check ({@link #canonicalDomain}).
 */
public final class RelayPolicy {

    private final List<Cidr> networks;
    private final Map<String, List<String>> senderAliases;
    private final MailDomains domains;

    /**
     * @param networks      clients allowed to relay without AUTH ({@code smtp.relay.networks})
     * @param senderAliases user name to the extra envelope senders they may use, each a full address
     *                      or {@code @domain} for every address of a domain ({@code smtp.sender-aliases})
     * @param domains       the local mail domains
     */
    public RelayPolicy(List<Cidr> networks, Map<String, List<String>> senderAliases, MailDomains domains) {
        this.networks = List.copyOf(networks);
        this.senderAliases = Map.copyOf(senderAliases);
        this.domains = Objects.requireNonNull(domains);
    }

    /** The policy the SMTP configuration describes. */
    public static RelayPolicy of(SmtpConfig config, MailDomains domains) {
        return new RelayPolicy(config.relayNetworks(), config.senderAliases(), domains);
    }

    /** Whether this session may have mail for non-local domains accepted: AUTH, or a trusted network. */
    public boolean mayRelay(SmtpContext ctx) {
        return mayRelay(ctx.authenticatedUser(), ctx.remote().getAddress());
    }

    /** @param authenticatedUser the AUTH user, or null */
    public boolean mayRelay(String authenticatedUser, InetAddress client) {
        if (authenticatedUser != null) return true;
        for (Cidr n : networks) if (n.contains(client)) return true;
        return false;
    }

    /** Whether the domain of {@code address} is one of ours, compared in {@linkplain #canonicalDomain canonical} form. */
    public boolean isLocal(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) return true;              // RCPT TO:<Postmaster> (RFC 5321 4.5.1)
        return domains.isLocal(canonicalDomain(address.substring(at + 1)));
    }

    /** A domain as the DNS compares it: lower case, without the trailing dot of the absolute form. */
    public static String canonicalDomain(String domain) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        return d.toLowerCase(Locale.ROOT);
    }

    /**
     * Whether an address routes through its local part: the {@code %}-hack ({@code user%other@here},
     * which some servers turn into {@code user@other}), a UUCP bang path ({@code other!user@here}) or
     * a quoted local part holding {@code @} ({@code "user@other"@here}). Refused whatever the
     * permission: each can make a local address turn into a relayed one past the checks. Source
     * routes ({@code <@a,@b:user@c>}) are caught by the path parser, which sees them.
     */
    public static boolean isRoutingTrick(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0) return false;
        String local = address.substring(0, at);
        return local.indexOf('%') >= 0 || local.indexOf('!') >= 0 || local.indexOf('@') >= 0;
    }

    /**
     * Whether an authenticated user may use {@code sender} as the envelope sender: the null sender,
     * {@code user@} any local domain, or an address (or {@code @domain}) listed for them in
     * {@code smtp.sender-aliases}. Local parts compare case-insensitively, as user names do.
     */
    public boolean mayUseSender(String user, String sender) {
        if (sender.isEmpty()) return true;        // bounces and receipts an MUA sends (RFC 3798 2.1)
        int at = sender.lastIndexOf('@');
        if (at <= 0) return false;
        String local = sender.substring(0, at);
        String domain = canonicalDomain(sender.substring(at + 1));
        if (local.equalsIgnoreCase(user) && domains.isLocal(domain)) return true;
        String address = local.toLowerCase(Locale.ROOT) + "@" + domain;
        for (String alias : senderAliases.getOrDefault(user.toLowerCase(Locale.ROOT), List.of())) {
            if (alias.startsWith("@") ? alias.substring(1).equals(domain) : alias.equals(address)) return true;
        }
        return false;
    }
}
