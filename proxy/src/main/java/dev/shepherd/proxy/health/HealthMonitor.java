package dev.shepherd.proxy.health;

import dev.shepherd.proxy.config.HealthCheckSettings;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.PassiveHealth;
import dev.shepherd.proxy.endpoint.HealthVerdicts;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The health checks of every endpoint: one {@link HealthChecker} per watched endpoint, one
 * scheduler for their timers and one event loop for their probes ({@link Probes}), and what the proxy saw of each endpoint
 * (passive health) routed to the endpoint's checker.
 */
public final class HealthMonitor implements EndpointChecks, PassiveHealth, AutoCloseable {
    private volatile HealthCheckSettings settings;
    private volatile HealthProbe probe;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("shepherd-health", true));
    private final Probes probes = new Probes();
    private final Map<Endpoint, HealthChecker> checkers = new ConcurrentHashMap<>();

    public HealthMonitor(HealthCheckSettings settings) {
        this.settings = settings;
        this.probe = HealthProbe.of(settings, probes);
    }

    /** Consecutive passes that make an endpoint healthy. */
    public int rise() {
        return settings.rise();
    }

    /** Starts checking {@code endpoint} for its {@code owner}; closing the returned checker stops it. */
    @Override
    public synchronized HealthChecker watch(Endpoint endpoint, HealthVerdicts owner) {
        HealthChecker[] self = new HealthChecker[1];
        HealthChecker checker = new HealthChecker(endpoint, settings, probe, scheduler, owner,
                () -> checkers.remove(endpoint, self[0]));
        self[0] = checker;
        HealthChecker previous = checkers.put(endpoint, checker);
        if (previous != null) {
            previous.close();
        }
        checker.start();
        return checker;
    }

    /** A config reload's {@code health-check}: every endpoint is checked by it from its next check on, which runs at once. */
    public synchronized void reconfigure(HealthCheckSettings next) {
        settings = next;
        probe = HealthProbe.of(next, probes);
        checkers.values().forEach(checker -> checker.reconfigure(next, probe));
    }

    @Override
    public void failed(Endpoint endpoint, String why) {
        HealthChecker checker = checkers.get(endpoint);
        if (checker != null) {
            checker.proxyError(why);
        }
    }

    @Override
    public void answered(Endpoint endpoint) {
        HealthChecker checker = checkers.get(endpoint);
        if (checker != null) {
            checker.answered();
        }
    }

    @Override
    public void close() {
        checkers.values().forEach(HealthChecker::close);
        scheduler.shutdownNow();
        probes.close();
    }
}
