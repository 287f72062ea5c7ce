package dev.shepherd.proxy.health;

import dev.shepherd.proxy.config.HealthCheckSettings;
import dev.shepherd.proxy.endpoint.CheckOutcome;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.HealthVerdicts;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks one endpoint's port again and again until closed, and tells the endpoint's owner
 * when the verdict changes. One check at a time: each scheduled check carries a ticket, and only the
 * newest ticket runs, so bringing a check forward never starts a second chain. The next check is
 * scheduled when one ends: {@code interval} apart when healthy or when a down endpoint has failed
 * a whole {@code fall} streak (HAProxy's downinter), {@code fast-interval} apart in between; each
 * delay jittered by 10 %. Verdicts reach the endpoint's owner in order, under this checker's lock;
 * a probe that throws counts as a failed check and the chain goes on. The proxy's own errors on
 * this endpoint (passive health) bring the next check forward and, {@code error-limit} in a row,
 * eject it.
 */
public final class HealthChecker implements EndpointCheck {
    /** How long past its own timeout a probe may take before its check counts as failed. */
    static final long PROBE_GRACE_MILLIS = 5_000;

    private final Endpoint endpoint;
    private HealthCheckSettings settings; // guarded by this object's lock, as below
    private HealthProbe probe;
    private final ScheduledExecutorService scheduler;
    private final HealthVerdicts owner;
    private final Runnable onClose;
    private final HealthStreak streak;
    /** Passive errors in a row; written from every event loop, so kept outside the lock. */
    private final AtomicInteger errorsInRow = new AtomicInteger();
    // This object's lock guards everything below, and the streak.
    private String lastFailure = "none yet";
    private boolean closed;
    private boolean checking;
    private long ticket;
    private ScheduledFuture<?> next;

    HealthChecker(Endpoint endpoint, HealthCheckSettings settings, HealthProbe probe,
            ScheduledExecutorService scheduler, HealthVerdicts owner, Runnable onClose) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.probe = probe;
        this.scheduler = scheduler;
        this.owner = owner;
        this.onClose = onClose;
        this.streak = new HealthStreak(settings.rise(), settings.fall());
    }

    synchronized void start() {
        // The first check soon, but not at the same moment as every other endpoint's.
        scheduleIn(ThreadLocalRandom.current().nextLong(Math.max(1, settings.fastInterval().toNanos())));
    }

    /**
     * Checks by {@code next} from now on (a config reload): the verdict and the streak so far stay,
     * and the next check runs at once.
     */
    synchronized void reconfigure(HealthCheckSettings next, HealthProbe nextProbe) {
        settings = next;
        probe = nextProbe;
        streak.limits(next.rise(), next.fall());
        if (!closed && !checking) {
            scheduleIn(0);
        }
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public synchronized boolean healthy() {
        return streak.healthy();
    }

    @Override
    public synchronized void checkNow() {
        if (!closed && !checking) {
            scheduleIn(0);
        }
    }

    /**
     * Passive health: a connection the proxy made to this endpoint failed (refused, timed out,
     * reset before the endpoint's first byte, no byte within first-byte-timeout). The next active check runs now, and
     * {@code error-limit} such errors in a row eject a healthy endpoint at once (HAProxy's
     * {@code observe layer4} with {@code on-error mark-down}); checks bring it back after
     * {@code rise} passes. An error of the edge's own (no descriptors or local ports left) does not
     * count.
     */
    public void proxyError(String why) {
        if (LocalErrors.isLocal(why)) {
            return;
        }
        int inRow = errorsInRow.incrementAndGet();
        synchronized (this) {
            if (closed) {
                return;
            }
            lastFailure = "proxied connection " + why;
            if (settings.errorLimit() > 0 && inRow >= settings.errorLimit() && streak.healthy()) {
                streak.eject();
                owner.checked(streak.describe(lastFailure));
                owner.healthChanged(false, inRow + " proxied connections failed in a row (error-limit "
                        + settings.errorLimit() + "), the last: " + why);
            }
            if (!checking) {
                scheduleIn(0);
            }
        }
    }

    /** The endpoint sent its first byte on a proxied connection: its error streak ends. Lock-free. */
    public void answered() {
        if (errorsInRow.get() != 0) {
            errorsInRow.set(0);
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

    /** Replaces any scheduled check with one in {@code nanos}. */
    private void scheduleIn(long nanos) {
        if (next != null) {
            next.cancel(false);
        }
        long mine = ++ticket;
        next = scheduler.schedule(() -> submit(mine), nanos, TimeUnit.NANOSECONDS);
    }

    /** Starts the check with ticket {@code mine}, unless a newer one replaced it; its result comes back on the probes' loop. */
    private void submit(long mine) {
        HealthProbe probe;
        int timeoutMillis;
        synchronized (this) {
            if (closed || checking || mine != ticket) {
                return; // closed, or a newer check replaced this one
            }
            checking = true;
            probe = this.probe;
            timeoutMillis = (int) Math.max(1, settings.timeout().toMillis());
        }
        CompletableFuture<CheckResult> result;
        try {
            result = probe.check(endpoint, timeoutMillis);
        } catch (RuntimeException | Error e) {
            result = CompletableFuture.failedFuture(e);
        }
        // Whatever went wrong, the chain goes on: a probe that throws is a failed check, and one that
        // never completes (a bug; every probe has its own timeout) fails PROBE_GRACE after its timeout.
        result.orTimeout(timeoutMillis + PROBE_GRACE_MILLIS, TimeUnit.MILLISECONDS).whenComplete((checked, e) -> checked(e == null ? checked : CheckResult.failed("the check itself failed: "
                + (e instanceof CompletionException && e.getCause() != null ? e.getCause() : e))));
    }

    private void checked(CheckResult result) {
        synchronized (this) {
            checking = false;
            if (closed) {
                return;
            }
            owner.counted(!result.conclusive() ? CheckOutcome.INCONCLUSIVE : result.passed() ? CheckOutcome.PASSED : CheckOutcome.FAILED);
            if (result.conclusive()) {
                record(result.passed(), result.detail());
            }
            boolean settled = streak.healthy() ? result.passed() : streak.failures() >= settings.fall();
            Duration delay = settled ? settings.interval() : settings.fastInterval();
            try {
                scheduleIn((long) (delay.toNanos() * ThreadLocalRandom.current().nextDouble(0.9, 1.1)));
            } catch (RejectedExecutionException stopping) {
                // the monitor is closing
            }
        }
    }

    /** Feeds the streak; tells the listener when the verdict changes. Called under the lock. */
    private void record(boolean passed, String detail) {
        if (!passed) {
            lastFailure = detail;
        }
        boolean changed = streak.record(passed);
        owner.checked(streak.describe(lastFailure));
        if (changed) {
            boolean healthy = streak.healthy();
            owner.healthChanged(healthy, healthy
                    ? settings.rise() + " health checks passed"
                    : settings.fall() + " health checks failed, the last: " + lastFailure);
        }
    }
}
