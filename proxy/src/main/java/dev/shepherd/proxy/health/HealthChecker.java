package dev.shepherd.proxy.health;

import dev.shepherd.proxy.config.HealthCheckSettings;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Checks one endpoint's port again and again until closed, and tells its listener when the
 * verdict changes. Checks run one at a time on a blocking pool; the next is scheduled when one
 * ends: {@code interval} apart when healthy, {@code fast-interval} apart in transition, each
 * delay jittered by 10 %.
 */
public final class HealthChecker implements AutoCloseable {

    /** Hears verdict changes, on a health-check thread. */
    @FunctionalInterface
    public interface Listener {
        void onHealthChanged(boolean healthy, String reason);
    }

    private final Endpoint endpoint;
    private final HealthCheckSettings settings;
    private final HealthProbe probe;
    private final EndpointGroup group;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService pool;
    private final Listener listener;
    private final Runnable onClose;
    private final HealthStreak streak;
    private String lastFailure = "none yet";
    private boolean closed; // this object's lock guards the fields below and the streak
    private boolean checking;
    private ScheduledFuture<?> next;

    HealthChecker(Endpoint endpoint, HealthCheckSettings settings, HealthProbe probe, EndpointGroup group,
            ScheduledExecutorService scheduler, ExecutorService pool, Listener listener, Runnable onClose) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.probe = probe;
        this.group = group;
        this.scheduler = scheduler;
        this.pool = pool;
        this.listener = listener;
        this.onClose = onClose;
        this.streak = new HealthStreak(settings.rise(), settings.fall());
    }

    synchronized void start() {
        // The first check soon, but not at the same moment as every other endpoint's.
        long first = ThreadLocalRandom.current().nextLong(Math.max(1, settings.fastInterval().toNanos()));
        next = scheduler.schedule(this::submit, first, TimeUnit.NANOSECONDS);
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public synchronized boolean healthy() {
        return streak.healthy();
    }

    /**
     * The passive check: a connect the proxy made to this endpoint was refused or timed out. It
     * counts as a failed check, and the next active check runs now.
     */
    public void connectFailed(String why) {
        boolean changed;
        boolean healthy;
        synchronized (this) {
            if (closed) {
                return;
            }
            changed = record(false, "proxy connect " + why);
            healthy = streak.healthy();
            if (!checking && next != null && next.cancel(false)) {
                next = scheduler.schedule(this::submit, 0, TimeUnit.NANOSECONDS);
            }
        }
        if (changed) {
            listener.onHealthChanged(healthy, reason(healthy));
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        }
        onClose.run();
    }

    private void submit() {
        synchronized (this) {
            if (closed) {
                return;
            }
            checking = true;
        }
        try {
            pool.execute(this::check);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the monitor is closing
        }
    }

    private void check() {
        CheckResult result = probe.check(endpoint, (int) Math.max(1, settings.timeout().toMillis()));
        boolean changed;
        boolean healthy;
        synchronized (this) {
            checking = false;
            if (closed) {
                return;
            }
            changed = result.conclusive() && record(result.passed(), result.detail());
            healthy = streak.healthy();
            Duration delay = healthy && result.passed() ? settings.interval() : settings.fastInterval();
            long jittered = (long) (delay.toNanos() * ThreadLocalRandom.current().nextDouble(0.9, 1.1));
            next = scheduler.schedule(this::submit, jittered, TimeUnit.NANOSECONDS);
        }
        if (changed) {
            listener.onHealthChanged(healthy, reason(healthy));
        }
    }

    private boolean record(boolean passed, String detail) {
        if (!passed) {
            lastFailure = detail;
        }
        boolean changed = streak.record(passed);
        group.setHealth(endpoint, streak.describe(lastFailure));
        return changed;
    }

    private String reason(boolean healthy) {
        return healthy
                ? settings.rise() + " health checks passed"
                : settings.fall() + " health checks failed, the last: " + lastFailure;
    }
}
