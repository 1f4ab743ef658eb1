package dev.portico.smtp.relay;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where mail for a domain goes (RFC 5321 5.1), asked of the DNS with dnsjava: the MX hosts in
 * preference order, hosts of equal preference shuffled so that load spreads, each host's IPv4 and
 * IPv6 addresses; without MX records the domain's own A/AAAA ("implicit MX"); a null MX
 * (RFC 7505) means the domain takes no mail. Asks {@code dns.servers}, or the system's resolvers.
 * Loaded only when the first message leaves by MX, so dnsjava costs nothing at start.
 */
final class MxResolver {

    /** One place to try: the host's name (for TLS and logs) and one of its addresses. */
    record Target(String host, InetAddress address) {}

    /** The domain cannot take mail: it does not exist, or says so with a null MX. */
    static final class PermanentFailure extends Exception {
        final String status;

        PermanentFailure(String status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** The DNS did not answer, or not usefully: try again later. */
    static final class TemporaryFailure extends Exception {
        TemporaryFailure(String message) {
            super(message);
        }
    }

    private final Resolver resolver;
    /** The resolver's own cache: another Portico in the same JVM (a test) asks other servers. */
    private final Cache cache = new Cache();

    MxResolver(List<RelayConfig.HostPort> servers, Duration timeout) throws UnknownHostException {
        if (servers.isEmpty()) {
            resolver = new ExtendedResolver();
        } else {
            List<Resolver> each = new ArrayList<>();
            for (RelayConfig.HostPort s : servers) {
                SimpleResolver r = new SimpleResolver(s.host());
                r.setPort(s.port());
                each.add(r);
            }
            resolver = new ExtendedResolver(each);
        }
        resolver.setTimeout(timeout);
    }

    /** The places to try for {@code domain}, best first. */
    List<Target> targets(String domain) throws PermanentFailure, TemporaryFailure {
        Name name = name(domain);
        Lookup mx = lookup(name, Type.MX);
        List<Target> targets = new ArrayList<>();
        switch (mx.getResult()) {
            case Lookup.SUCCESSFUL -> {
                TreeMap<Integer, List<String>> byPreference = new TreeMap<>();
                for (Record r : mx.getAnswers()) {
                    MXRecord m = (MXRecord) r;
                    if (m.getTarget().equals(Name.root)) {
                        if (mx.getAnswers().length == 1) {
                            throw new PermanentFailure("5.1.10", "domain " + domain + " accepts no mail (null MX, RFC 7505)");
                        }
                        continue;
                    }
                    byPreference.computeIfAbsent(m.getPriority(), p -> new ArrayList<>()).add(m.getTarget().toString(true));
                }
                for (List<String> hosts : byPreference.values()) {
                    Collections.shuffle(hosts, ThreadLocalRandom.current());
                    for (String host : hosts) {
                        for (InetAddress a : addresses(host)) targets.add(new Target(host, a));
                    }
                }
                if (targets.isEmpty()) throw new TemporaryFailure("no address for the MX hosts of " + domain);
            }
            case Lookup.TYPE_NOT_FOUND -> {
                // RFC 5321 5.1: no MX records, the domain itself is the host.
                for (InetAddress a : addresses(domain)) targets.add(new Target(domain, a));
                if (targets.isEmpty()) throw new PermanentFailure("5.1.2", "domain " + domain + " has no MX and no address");
            }
            case Lookup.HOST_NOT_FOUND -> throw new PermanentFailure("5.1.2", "domain " + domain + " does not exist");
            default -> throw new TemporaryFailure("DNS lookup of MX " + domain + " failed: " + mx.getErrorString());
        }
        return targets;
    }

    private List<InetAddress> addresses(String host) throws TemporaryFailure, PermanentFailure {
        Name name = name(host);
        List<InetAddress> all = new ArrayList<>();
        boolean tempFailure = false;
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Lookup l = lookup(name, type);
            if (l.getResult() == Lookup.SUCCESSFUL) {
                for (Record r : l.getAnswers()) {
                    if (r instanceof ARecord a) all.add(a.getAddress());
                    else if (r instanceof AAAARecord a) all.add(a.getAddress());
                }
            } else if (l.getResult() == Lookup.TRY_AGAIN || l.getResult() == Lookup.UNRECOVERABLE) {
                tempFailure = true;
            }
        }
        if (all.isEmpty() && tempFailure) throw new TemporaryFailure("DNS lookup of the address of " + host + " failed");
        return all;
    }

    private Lookup lookup(Name name, int type) {
        Lookup l = new Lookup(name, type);
        l.setResolver(resolver);
        l.setCache(cache);
        l.run();
        return l;
    }

    private static Name name(String domain) throws PermanentFailure {
        try {
            return Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            throw new PermanentFailure("5.1.2", "not a domain name: " + domain);
        }
    }
}
