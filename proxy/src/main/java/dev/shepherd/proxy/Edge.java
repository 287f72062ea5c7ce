package dev.shepherd.proxy;

import dev.shepherd.proxy.config.ListenSpec;
import dev.shepherd.proxy.config.ShepherdSettings;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.StaticBackend;
import dev.shepherd.proxy.frontend.FrontendServer;
import dev.shepherd.proxy.health.HealthMonitor;
import dev.shepherd.proxy.metrics.EdgeMetrics;
import dev.shepherd.proxy.metrics.EndpointMeters;
import dev.shepherd.proxy.operations.Discovery;
import dev.shepherd.proxy.operations.Operations;
import dev.shepherd.proxy.operations.StaticBackends;
import dev.shepherd.proxy.supervisor.PortHolder;
import dev.shepherd.proxy.supervisor.WorkerSupervisor;
import dev.shepherd.proxy.admin.AdminServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running Shepherd: the endpoint group, the front proxy in front of it, and the workers behind it. */
public final class Edge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Edge.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EndpointGroup group = new EndpointGroup(new EndpointMeters(registry));
    private final long startedNanos = System.nanoTime();
    private volatile Duration shutdownTimeout; // as the last config reload left it
    private final FrontendServer frontend;
    private final InetSocketAddress address;
    private final String listenHost; // as configured: 0.0.0.0 reads better than the wildcard it binds
    private final WorkerSupervisor supervisor; // null without managed workers
    private final HealthMonitor health;
    private final StaticBackends backends;
    private final Discovery discovery;
    private final Operations operations;
    private final AdminServer admin;
    private final EdgeMetrics metrics;
    private final InetSocketAddress adminAddress;

    private Edge(ShepherdSettings settings, ConfigSource source) throws InterruptedException {
        health = new HealthMonitor(settings.healthCheck());
        shutdownTimeout = settings.shutdownTimeout();
        listenHost = settings.listen().host();
        backends = new StaticBackends(group, health, settings.backends());
        discovery = new Discovery(backends);
        discovery.configure(settings.backends(), settings.dnsBackends(), settings.discovery());
        frontend = new FrontendServer(settings, group, health, registry);
        WorkerSupervisor workers = null;
        try {
            workers = settings.workers().count() > 0 ? WorkerSupervisor.create(settings.workers(), group, health) : null;
            if (workers != null) {
                // First: a worker's JVM takes longer to come UP than the rest of the edge takes to
                // listen, so the two overlap. Should a port below not bind, the workers are stopped.
                workers.spawnAll();
            }
            ConfigReload reload = source == null ? null : new ConfigReload(source.file(), source.reader(), settings, frontend,
                    health, discovery, workers, next -> shutdownTimeout = next.shutdownTimeout());
            operations = new Operations(workers, backends, group, reload == null
                    ? () -> CompletableFuture.failedFuture(new IllegalStateException("this edge was started without a config file to re-read"))
                    : reload::reload);
            metrics = new EdgeMetrics(registry, workers);
            // The admin API first: once the front proxy accepts, a flood of clients could leave no
            // descriptor for the admin API's event loop.
            admin = new AdminServer(settings.admin(), operations, this::edgeStatus, metrics::scrape);
            adminAddress = listening(admin::start, settings.admin().listen().port());
            address = listening(frontend::start, settings.listen().port());
        } catch (IOException e) {
            closeAll(workers);
            throw new UncheckedIOException("cannot start the workers: " + e.getMessage(), e);
        } catch (InterruptedException | RuntimeException e) {
            closeAll(workers);
            throw e;
        }
        supervisor = workers;
    }

    /** A server's {@code start}, whose "Address already in use" names the process that holds the port. */
    private static InetSocketAddress listening(Listener start, int port) throws InterruptedException {
        try {
            return start.start();
        } catch (IllegalStateException e) {
            String holder = e.getMessage() != null && e.getMessage().contains("Address already in use")
                    ? PortHolder.of(port).map(pid -> " (held by " + pid + ")").orElse("") : "";
            throw holder.isEmpty() ? e : new IllegalStateException(e.getMessage() + holder, e);
        }
    }

    @FunctionalInterface
    private interface Listener {
        InetSocketAddress start() throws InterruptedException;
    }

    /** The edge's own fields of the admin API's {@code GET /status}. */
    private Map<String, Object> edgeStatus() {
        Map<String, Object> edge = new LinkedHashMap<>();
        edge.put("pid", ProcessHandle.current().pid());
        edge.put("listen", new ListenSpec(listenHost, address.getPort()).toString());
        edge.put("transport", frontend.transport().configName());
        edge.put("uptimeMs", (System.nanoTime() - startedNanos) / 1_000_000);
        edge.put("activeConnections", frontend.activeConnections());
        edge.put("eligibleEndpoints", group.eligible().size());
        return edge;
    }

    /** After a failed start: whatever of the parts started. */
    private void closeAll(WorkerSupervisor workers) {
        if (workers != null) {
            workers.close();
        }
        if (admin != null) {
            admin.close();
        }
        frontend.close();
        health.close();
        discovery.close();
    }

    /** Starts the edge; fails if the listen address cannot be bound. A config reload is refused: there is no file to re-read. */
    public static Edge start(ShepherdSettings settings) throws InterruptedException {
        return new Edge(settings, null);
    }

    /** Starts the edge with {@code settings}, read from {@code source}, which a config reload reads again. */
    public static Edge start(ShepherdSettings settings, ConfigSource source) throws InterruptedException {
        return new Edge(settings, source);
    }

    /**
     * Where the settings came from, for a config reload: its name in the log, and a reader that
     * reads it again with the same layering (throwing a ConfigException naming file, line and key).
     */
    public record ConfigSource(String file, Supplier<ShepherdSettings> reader) {}

    public InetSocketAddress address() {
        return address;
    }

    /** Where the admin API listens. */
    public InetSocketAddress adminAddress() {
        return adminAddress;
    }

    /** The edge's meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every endpoint with its state, health and open connections. */
    public EndpointGroup group() {
        return group;
    }

    /** Drain, ready, restart, reload and status: the one API the admin API and signals call. */
    public Operations operations() {
        return operations;
    }

    /** The owners of the static endpoints ({@code backends}), in the order configured. */
    public List<StaticBackend> backends() {
        return backends.all();
    }

    /** The workers' supervisor, or {@code null} when {@code workers.count} is 0. */
    public WorkerSupervisor supervisor() {
        return supervisor;
    }

    /**
     * The graceful stop, within {@code shutdown-timeout}: stops accepting clients, drains every
     * static endpoint and stops the workers (each drains first and finishes the requests it has in
     * progress), then closes what is still open. When the budget runs out, the workers still
     * running get SIGKILL and the connections still open are closed; both are logged.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        log.info("stopping: no new clients; draining {} endpoints and stopping the workers, within shutdown-timeout {} ms"
                + " (a second Ctrl-C or SIGTERM ends the drain at once)", group.status().size(), shutdownTimeout.toMillis());
        admin.close();
        frontend.stopAccepting();
        discovery.close();
        List<CompletableFuture<Void>> drains = backends.all().stream().map(backend -> backend.drain().idle()).toList();
        if (supervisor != null) {
            supervisor.close(Duration.ofNanos(deadline - System.nanoTime()));
        }
        try {
            CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("shutdown: static endpoints still have connections when shutdown-timeout ran out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.debug("a drain failed: {}", e.toString());
        }
        int open = frontend.activeConnections();
        if (open > 0) {
            log.warn("shutdown: closing {} client connections still open", open);
        }
        frontend.close();
        health.close();
        metrics.close();
        log.info("stopped");
    }

    /**
     * Cuts a graceful stop short (a second stop signal): SIGKILL to every worker still running,
     * waited for up to 2 s so that none outlives the edge, and every connection closed.
     */
    public void stopNow() {
        if (supervisor != null) {
            supervisor.close(Duration.ofMillis(1));
        }
        frontend.close();
        log.info("stopped at once");
    }
}
