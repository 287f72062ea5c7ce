package dev.shepherd.proxy.health;

import dev.shepherd.proxy.config.HealthCheckSettings;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * The health checks of every endpoint: one {@link HealthChecker} per watched endpoint, one
 * scheduler and one pool for their blocking probes, and the group's passive failures routed to
 * the endpoint's checker.
 */
public final class HealthMonitor implements AutoCloseable {
    private final HealthCheckSettings settings;
    private final EndpointGroup group;
    private final HealthProbe probe;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("shepherd-health"));
    private final ExecutorService pool = Executors.newCachedThreadPool(daemon("shepherd-health-check"));
    private final Map<Endpoint, HealthChecker> checkers = new ConcurrentHashMap<>();

    public HealthMonitor(HealthCheckSettings settings, EndpointGroup group) {
        this.settings = settings;
        this.group = group;
        this.probe = HealthProbe.of(settings);
        group.onConnectFailure(this::connectFailed);
    }

    /** Consecutive passes that make an endpoint healthy. */
    public int rise() {
        return settings.rise();
    }

    /** Starts checking {@code endpoint}; closing the returned checker stops it. */
    public HealthChecker watch(Endpoint endpoint, HealthChecker.Listener listener) {
        HealthChecker[] self = new HealthChecker[1];
        HealthChecker checker = new HealthChecker(endpoint, settings, probe, group, scheduler, pool, listener,
                () -> checkers.remove(endpoint, self[0]));
        self[0] = checker;
        HealthChecker previous = checkers.put(endpoint, checker);
        if (previous != null) {
            previous.close();
        }
        group.setHealth(endpoint, "not checked yet");
        checker.start();
        return checker;
    }

    private void connectFailed(Endpoint endpoint, String why) {
        HealthChecker checker = checkers.get(endpoint);
        if (checker != null) {
            checker.connectFailed(why);
        }
    }

    @Override
    public void close() {
        checkers.values().forEach(HealthChecker::close);
        scheduler.shutdownNow();
        pool.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
