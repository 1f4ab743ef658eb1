package dev.portico.http;

import dev.portico.core.Events;
import dev.portico.core.SessionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The process's metrics in a Micrometer registry, served in Prometheus's text format on
 * {@code /metrics}. It observes the servers' {@link Events} (logins, bans, TLS handshakes, FTP
 * transfers, SMTP transactions) and reads live sessions and traffic from the
 * {@link SessionRegistry} when scraped; the JVM's memory, threads, GC, CPU and uptime come from
 * Micrometer's binders under their usual names ({@code jvm_*}, {@code process_*}), which the
 * common dashboards expect. Portico's own meters are named {@code portico_*}.
 *
 * <p>Built only when the HTTP listener is on: the registry and the binders load a few hundred
 * classes, which a start without {@code http.port} does not pay for.
 */
public final class PrometheusMetrics implements Events, AutoCloseable {

    /** The Prometheus text format 0.0.4, which every Prometheus version scrapes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SessionRegistry sessions;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Protocols whose session and traffic meters are registered. */
    private final Set<String> protocols = ConcurrentHashMap.newKeySet();
    /** The registry's per-protocol totals, taken once per scrape for all the meters that read them. */
    private volatile Map<String, SessionRegistry.ProtocolStats> stats = Map.of();
    private final Counter bans;
    private final Counter accepted, rejected;
    private final DistributionSummary messageSize;
    private final Timer delivery;

    /**
     * @param sessions   the live sessions and per-protocol traffic
     * @param activeBans how many addresses are banned now
     */
    public PrometheusMetrics(SessionRegistry sessions, IntSupplier activeBans) {
        this.sessions = Objects.requireNonNull(sessions);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        bans = Counter.builder("portico.bans").description("Addresses banned after too many failed logins").register(registry);
        Gauge.builder("portico.bans.active", activeBans, s -> s.getAsInt())
                .description("Addresses banned now").strongReference(true).register(registry);
        accepted = messages("accepted");
        rejected = messages("rejected");
        messageSize = DistributionSummary.builder("portico.smtp.message.size").baseUnit("bytes")
                .description("Size of the messages accepted").register(registry);
        delivery = Timer.builder("portico.smtp.delivery")
                .description("Local delivery latency: end of the data to the message stored in every recipient's Maildir")
                .register(registry);
    }

    private Counter messages(String result) {
        return Counter.builder("portico.smtp.messages").tag("result", result)
                .description("SMTP transactions by the final reply to DATA or the last BDAT").register(registry);
    }

    /**
     * Registers the session and traffic meters of these protocols (the listeners' names), so that
     * they show 0 before their first session; a protocol that appears later is added at a scrape.
     */
    public void protocols(Collection<String> names) {
        names.forEach(this::track);
    }

    private void track(String protocol) {
        if (!protocols.add(protocol)) return;
        Gauge.builder("portico.sessions.open", this, m -> m.stat(protocol, s -> s.live())).tag("protocol", protocol)
                .description("Sessions open now").register(registry);
        FunctionCounter.builder("portico.sessions", this, m -> m.stat(protocol, s -> s.sessions())).tag("protocol", protocol)
                .description("Sessions accepted since start").register(registry);
        FunctionCounter.builder("portico.received", this, m -> m.stat(protocol, s -> s.bytesIn())).tag("protocol", protocol)
                .baseUnit("bytes").description("Bytes received from clients (FTP data connections included)").register(registry);
        FunctionCounter.builder("portico.sent", this, m -> m.stat(protocol, s -> s.bytesOut())).tag("protocol", protocol)
                .baseUnit("bytes").description("Bytes sent to clients (FTP data connections included)").register(registry);
    }

    private double stat(String protocol, ToDoubleFunction<SessionRegistry.ProtocolStats> value) {
        SessionRegistry.ProtocolStats s = stats.get(protocol);
        return s == null ? 0 : value.applyAsDouble(s);
    }

    /** Every meter in the Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        Map<String, SessionRegistry.ProtocolStats> now = sessions.stats().stream()
                .collect(Collectors.toUnmodifiableMap(SessionRegistry.ProtocolStats::protocol, s -> s));
        now.keySet().forEach(this::track);
        stats = now;
        return registry.scrape(CONTENT_TYPE);
    }

    // ---- events ---------------------------------------------------------------------------------

    @Override
    public void login(String protocol, InetAddress remote, String user, boolean ok) {
        Counter.builder("portico.logins").tag("protocol", protocol).tag("result", ok ? "ok" : "failed")
                .description("Login attempts after the password was checked").register(registry).increment();
    }

    @Override
    public void banned(InetAddress address, Duration duration) {
        bans.increment();
    }

    @Override
    public void tlsHandshake(String protocol, boolean ok) {
        Counter.builder("portico.tls.handshakes").tag("protocol", protocol).tag("result", ok ? "ok" : "failed")
                .description("TLS handshakes, STARTTLS and implicit").register(registry).increment();
    }

    @Override
    public void transfer(FileTransfer t) {
        String direction = t.incoming() ? "upload" : "download", result = t.complete() ? "complete" : "incomplete";
        Timer.builder("portico.ftp.transfers").tag("direction", direction).tag("result", result)
                .description("FTP file transfers and how long they took").register(registry).record(t.duration());
        Counter.builder("portico.ftp.transferred").tag("direction", direction).tag("result", result).baseUnit("bytes")
                .description("Bytes of FTP file transfers").register(registry).increment(t.bytes());
    }

    @Override
    public void mail(MailTransaction m) {
        if (!m.accepted()) {
            rejected.increment();
            return;
        }
        accepted.increment();
        messageSize.record(m.size());
        if (m.delivery() != null) delivery.record(m.delivery());
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
