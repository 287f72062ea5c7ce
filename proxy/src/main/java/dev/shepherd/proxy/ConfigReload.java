package dev.shepherd.proxy;

import com.typesafe.config.ConfigException;
import dev.shepherd.proxy.config.ConfigErrors;
import dev.shepherd.proxy.config.SettingsDiff;
import dev.shepherd.proxy.config.ShepherdSettings;
import dev.shepherd.proxy.config.WorkerSettings;
import dev.shepherd.proxy.frontend.FrontendServer;
import dev.shepherd.proxy.health.HealthMonitor;
import dev.shepherd.proxy.operations.ConfigReloaded;
import dev.shepherd.proxy.operations.Discovery;
import dev.shepherd.proxy.supervisor.WorkerSupervisor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP and {@code POST /config/reload}: re-reads the config file with the same layering and
 * applies what changed without dropping a connection. An invalid file fails the reload with its
 * one-line error (file, line, key) and the running settings stay. What the listener, the admin
 * API and the event loops were started with ({@code listen.*}, {@code admin.*},
 * {@code event-loop-threads}, {@code transport}, {@code read-buffer-size},
 * {@code workers.first-port}) stays until the edge is restarted, and is reported as such.
 */
final class ConfigReload {
    private static final Logger log = LoggerFactory.getLogger(ConfigReload.class);
    /** The settings of {@code backends}: its host:port entries and its dns: entries. */
    private static final List<String> BACKENDS = List.of("backends", "dns-backends");
    private static final List<String> AT_START_ONLY = List.of("listen.", "admin.", "event-loop-threads", "transport",
            "read-buffer-size", "workers.first-port");

    private final String file;
    private final Supplier<ShepherdSettings> source;
    private final FrontendServer frontend;
    private final HealthMonitor health;
    private final Discovery backends;
    private final WorkerSupervisor supervisor; // null without managed workers
    private final Consumer<ShepherdSettings> edge; // the edge's own settings (shutdown-timeout)
    private ShepherdSettings running; // under this object's lock

    /** @param source reads the file again; throws a ConfigException whose message names file, line and key */
    ConfigReload(String file, Supplier<ShepherdSettings> source, ShepherdSettings running, FrontendServer frontend,
            HealthMonitor health, Discovery backends, WorkerSupervisor supervisor, Consumer<ShepherdSettings> edge) {
        this.file = file;
        this.source = source;
        this.running = running;
        this.frontend = frontend;
        this.health = health;
        this.backends = backends;
        this.supervisor = supervisor;
        this.edge = edge;
    }

    /** Re-reads and applies; completes when the workers' part (a roll, a scale) is done too. */
    CompletableFuture<ConfigReloaded> reload() {
        ShepherdSettings read;
        try {
            read = source.get();
        } catch (RuntimeException e) {
            log.error("config reload: the file is not valid, the running settings stay: {}",
                    e instanceof ConfigException settings ? ConfigErrors.describe(settings) : e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        return apply(read);
    }

    private synchronized CompletableFuture<ConfigReloaded> apply(ShepherdSettings read) {
        List<String> changed = SettingsDiff.between(running, read);
        List<String> needRestart = changed.stream().filter(ConfigReload::atStartOnly).toList();
        boolean workersNeedRestart = supervisor == null && read.workers().count() > 0;
        if (workersNeedRestart) {
            needRestart = new ArrayList<>(needRestart);
            needRestart.add("workers.count (this edge started without workers)");
        }
        ShepherdSettings next = keepingStartOnly(read, running);
        WorkerSettings before = running.workers();
        List<String> applied = new ArrayList<>();
        for (String key : changed) {
            if (!atStartOnly(key) && !(key.startsWith("workers.") && supervisor == null) && !BACKENDS.contains(key)) {
                applied.add(key);
            }
        }
        frontend.apply(next);
        if (changed.stream().anyMatch(key -> key.startsWith("health-check."))) {
            health.reconfigure(next.healthCheck());
        }
        edge.accept(next);
        if (changed.stream().anyMatch(key -> BACKENDS.contains(key) || key.startsWith("discovery."))) {
            List<String> backendsChanged = backends.configure(next.backends(), next.dnsBackends(), next.discovery());
            if (changed.stream().anyMatch(BACKENDS::contains)) {
                applied.add("backends (" + String.join(", ", backendsChanged) + ")");
            }
        }
        CompletableFuture<String> workers = supervisor == null ? CompletableFuture.completedFuture("")
                : supervisor.reconfigure(next.workers());
        running = next;
        log.info("config reload from {}: {}{}", file, applied.isEmpty() ? "nothing changed" : "applied " + String.join(", ", applied),
                needRestart.isEmpty() ? "" : "; not applied, they need a restart of the edge: " + String.join(", ", needRestart));
        List<String> restart = List.copyOf(needRestart);
        return workers.handle((done, failure) -> {
            if (failure instanceof IllegalStateException busy) {
                workersNotApplied(before);
                log.warn("config reload: the workers' settings were not applied: {}", busy.getMessage());
                return new ConfigReloaded(file, applied, restart, "not applied: " + busy.getMessage());
            }
            if (failure != null) {
                log.error("config reload: the workers' part failed: {}", failure.getMessage());
                return new ConfigReloaded(file, applied, restart, "failed: " + failure.getMessage());
            }
            if (!done.isEmpty()) {
                log.info("config reload: workers {}", done);
            }
            return new ConfigReloaded(file, applied, restart, done);
        });
    }

    /** The supervisor refused the workers' part: the next reload sees those keys as changed again. */
    private synchronized void workersNotApplied(WorkerSettings before) {
        running = mixed(running, running, before);
    }

    private static boolean atStartOnly(String key) {
        return AT_START_ONLY.stream().anyMatch(key::startsWith);
    }

    /** {@code read}, with what only a restart applies as {@code running} has it. */
    private static ShepherdSettings keepingStartOnly(ShepherdSettings read, ShepherdSettings running) {
        WorkerSettings w = read.workers();
        return mixed(read, running, new WorkerSettings(w.count(), w.command(), running.workers().firstPort(), w.env(),
                w.directory(), w.readyTimeout(), w.drainTimeout(), w.stopTimeout(), w.killTimeout(), w.unhealthyRestartAfter(),
                w.slowStart(), w.maxMemory(), w.restart(), w.heartbeat(), w.protocol(), w.maxSurge(), w.closeSpread()));
    }

    /** {@code base}'s settings, with {@code started}'s start-only ones and {@code workers}. */
    private static ShepherdSettings mixed(ShepherdSettings base, ShepherdSettings started, WorkerSettings workers) {
        return new ShepherdSettings(started.listen(), base.balance(), base.connectTimeout(), base.connectAttempts(),
                base.retryOn(), base.queueTimeout(), base.firstByteTimeout(), base.idleTimeout(), base.maxConnections(),
                base.maxConnectionsPerEndpoint(), base.maxConnectionsPerSource(), base.maxConnectionDuration(),
                base.proxyProtocol(), started.eventLoopThreads(), started.transport(), started.readBufferSize(),
                base.shutdownTimeout(), workers, base.backends(), base.dnsBackends(), base.discovery(), base.healthCheck(),
                started.admin());
    }
}
