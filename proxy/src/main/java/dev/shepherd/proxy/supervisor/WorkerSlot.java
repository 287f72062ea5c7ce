package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.endpoint.AdminState;
import dev.shepherd.proxy.endpoint.DrainStarted;
import dev.shepherd.proxy.endpoint.EndpointState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A numbered place in the flock: its restart policy, its current instance and, during a
 * replacement, the next one. An instance that exits unasked is respawned with back-off (FAILED
 * after too many); a replacement is started on a spare port beside the current instance, which is
 * drained and stopped only once the replacement is UP. Every method runs on the supervisor's loop.
 */
final class WorkerSlot {
    private static final Logger log = LoggerFactory.getLogger(WorkerSlot.class);

    private final String id;
    private final int homePort;
    private SlotContext context;
    private RestartPolicy policy;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile WorkerInstance current;
    private WorkerInstance next; // a replacement under way
    private final List<WorkerInstance> retiring = new ArrayList<>(); // replaced, draining and stopping
    private EndpointState between = EndpointState.STARTING; // the slot's state while it has no instance
    private AdminState admin = AdminState.READY;
    private ExitCause lastExit;
    private int restarts;
    private int failedRetries;
    private long failedAtNanos;
    private final Map<ExitCause.Kind, Integer> restartsByCause = new EnumMap<>(ExitCause.Kind.class);
    private final Map<ReplacementCause, Integer> replacementsByCause = new EnumMap<>(ReplacementCause.class);
    private int generation;
    private boolean stopWanted;
    private SupervisorLoop.Scheduled respawn = SupervisorLoop.Scheduled.NONE;
    /** The fleet queue's wait for an UNHEALTHY instance's restart in place; null when none runs. */
    private CompletableFuture<Void> respawnWaiter;

    WorkerSlot(String id, int homePort, SlotContext context) {
        this.id = id;
        this.homePort = homePort;
        this.context = context;
        this.policy = new RestartPolicy(context.settings().restart());
    }

    String id() {
        return id;
    }

    /**
     * A config reload: the instances started from now on run by {@code next}'s settings (the
     * running ones keep theirs), and a changed {@code restart} policy starts its count afresh.
     */
    void reconfigure(SlotContext next) {
        if (!next.settings().restart().equals(context.settings().restart())) {
            policy = new RestartPolicy(next.settings().restart());
        }
        context = next;
    }

    /** Whether the slot has given up respawning (FAILED), waiting for failed-retry, a reload or a restart. */
    boolean failed() {
        return current == null && between == EndpointState.FAILED;
    }

    /** The serving instance's row (or the slot's, between instances), then the replacement's. */
    List<WorkerStatus> status() {
        List<WorkerStatus> rows = new ArrayList<>(2);
        rows.add(current != null ? current.status(restarts, restartsByCause, replacementsByCause, lastExit)
                : WorkerStatus.between(id, homePort, between, betweenHealth(), restarts, restartsByCause, replacementsByCause, lastExit));
        if (next != null) {
            rows.add(next.status(restarts, restartsByCause, replacementsByCause, lastExit));
        }
        retiring.forEach(old -> rows.add(old.status(restarts, restartsByCause, replacementsByCause, lastExit)));
        return rows;
    }

    /** Whether the serving instance is UP (admitted; drained or not). */
    boolean up() {
        return current != null && current.state() == EndpointState.UP;
    }

    /**
     * Spawns the first instance, on the home port; completes when it is UP, fails if it ends first.
     *
     * @param slowStart whether it joins a warm flock (a scale-up), not the edge's start
     */
    CompletableFuture<Void> start(boolean slowStart) {
        if (current != null || stopWanted) {
            // Already started (a restart by request came first), or stopping: nothing to spawn.
            return current != null ? current.up() : CompletableFuture.completedFuture(null);
        }
        WorkerInstance first = spawn(slowStart);
        return first != null ? first.up()
                : CompletableFuture.failedFuture(new ReplacementFailedException("worker " + id + ": " + lastExit));
    }

    /** Sends an application message to the serving instance; a blocking write, so never on the loop. */
    boolean send(String text) {
        WorkerInstance serving = current; // volatile: set on the loop, read on the writing thread
        return serving != null && serving.send(text);
    }

    void checkHeartbeat(long nowNanos) {
        if (current != null) {
            current.checkHeartbeat(nowNanos);
        }
        if (next != null) {
            next.checkHeartbeat(nowNanos);
        }
    }

    /**
     * Replaces the serving instance without lowering capacity: a new one on a spare port, and once
     * it is UP the old one is drained and stopped. A slot without a running instance (BACKOFF,
     * FAILED) is respawned at once. Fails, with the old instance still serving, when the
     * replacement does not come UP.
     */
    CompletableFuture<Replacement> replace() {
        if (stopWanted) {
            return CompletableFuture.failedFuture(new IllegalStateException("worker " + id + " is stopping"));
        }
        if (next != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("worker " + id + " is already being replaced"));
        }
        if (current == null || current.state() != EndpointState.UP) {
            return respawnNow();
        }
        WorkerInstance old = current;
        long oldPid = old.status(restarts, restartsByCause, replacementsByCause, lastExit).pid().orElse(-1);
        int port;
        try {
            port = context.ports().takeSpare(homePort);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
        WorkerInstance replacement = new WorkerInstance(id, port, ++generation, context, admin, true);
        next = replacement;
        log.info("worker {}: replacing pid {} (port {}) with a new instance on port {}", id, oldPid, old.port(), port);
        replacement.exited().thenAccept(exit -> replacementExited(replacement, exit));
        replaceWhenWanted(replacement);
        replacement.start();
        return replacement.up().handle((ok, failure) -> {
            if (failure != null) {
                throw new ReplacementFailedException("worker " + id + ": the replacement on port " + port
                        + " did not come UP (" + failure.getMessage() + "); pid " + oldPid + " keeps serving");
            }
            next = null;
            if (current == old) {
                current = replacement;
            }
            retiring.add(old);
            old.stop().thenRun(() -> retiring.remove(old)); // completed on the loop

            long newPid = replacement.status(restarts, restartsByCause, replacementsByCause, lastExit).pid().orElse(-1);
            log.info("worker {}: pid {} on port {} replaces pid {}, which is drained and stopped", id, newPid, port, oldPid);
            return new Replacement(id, oldPid, newPid, port);
        });
    }

    /** Operator drain: no new connections for this slot's instances (respawns included) until {@link #ready}. */
    DrainStarted drain() {
        admin = AdminState.DRAIN;
        if (next != null) {
            next.setAdminState(admin);
        }
        if (current == null) {
            return new DrainStarted(0, CompletableFuture.completedFuture(null));
        }
        current.setAdminState(admin);
        int open = current.status(restarts, restartsByCause, replacementsByCause, lastExit).activeConnections();
        log.info("worker {} DRAINING: out of rotation by request, {} open connections go on", id, open);
        return new DrainStarted(open, current.whenIdle());
    }

    void ready() {
        admin = AdminState.READY;
        if (current != null) {
            current.setAdminState(admin);
        }
        if (next != null) {
            next.setAdminState(admin);
        }
        log.info("worker {} made ready: back in rotation while healthy", id);
    }

    /** Stops the slot for good: its instances drain and stop; no respawn. */
    CompletableFuture<Void> stop() {
        stopWanted = true;
        respawn.cancel();
        respawnSettled();
        List<CompletableFuture<?>> exits = new ArrayList<>();
        retiring.forEach(old -> exits.add(old.exited()));
        if (next != null) {
            exits.add(next.stop());
        }
        if (current != null) {
            exits.add(current.stop());
        } else if (between != EndpointState.FAILED) {
            between = EndpointState.STOPPED;
        }
        CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).thenRun(() -> {
            if (between != EndpointState.FAILED) {
                between = EndpointState.STOPPED;
            }
            stopped.complete(null);
        });
        return stopped;
    }

    /** SIGKILL to whatever instance still runs: the edge's stop ran out of time. */
    void killNow() {
        retiring.forEach(WorkerInstance::killNow);
        if (current != null) {
            current.killNow();
        }
        if (next != null) {
            next.killNow();
        }
    }

    private CompletableFuture<Replacement> respawnNow() {
        if (current != null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "worker " + id + " is " + current.state() + ", not UP: nothing to replace yet"));
        }
        respawn.cancel();
        policy.reset();
        log.info("worker {} ({}): respawned now by request", id, between);
        WorkerInstance spawned = spawn(true);
        if (spawned == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("worker " + id + ": " + lastExit));
        }
        return spawned.up().handle((ok, failure) -> {
            if (failure != null) {
                throw new ReplacementFailedException("worker " + id + " did not come UP: " + failure.getMessage());
            }
            return new Replacement(id, -1, spawned.status(restarts, restartsByCause, replacementsByCause, lastExit).pid().orElse(-1), spawned.port());
        });
    }

    /**
     * An instance wanted replaced (it broke the control protocol, asked for it, stayed over the
     * memory cap) is replaced the rolling way when it serves, in its turn in the fleet's queue; one
     * not UP yet, or itself a replacement, is stopped (and respawned, or the roll ends). One that
     * stayed UNHEALTHY waits its turn in the same queue and is then restarted in place.
     */
    private void replaceWhenWanted(WorkerInstance instance) {
        instance.onWish(wish -> {
            if (stopWanted || (instance != current && instance != next)) {
                return;
            }
            EndpointState serving = wish.cause().rolling() ? EndpointState.UP : EndpointState.UNHEALTHY;
            if (instance == current && next == null && instance.state() == serving) {
                context.replacements().wanted(this, instance, wish);
            } else if (instance != current || next == null) {
                instance.stop();
            } else {
                instance.wishDropped(); // it serves while its replacement starts: replaced anyway
            }
        });
    }

    /**
     * The fleet queue's turn for a wish of {@code instance}: replaced the rolling way if it still
     * serves (a roll or a restart may have replaced it meanwhile). Completes when that is over.
     */
    CompletableFuture<Void> replaceAsWished(WorkerInstance instance, WorkerInstance.Wish wish) {
        if (!wish.cause().rolling()) {
            return restartUnhealthy(instance);
        }
        if (stopWanted || instance != current || next != null || instance.state() != EndpointState.UP) {
            instance.wishDropped(); // replaced or stopped meanwhile, or not serving now: it may wish again
            return CompletableFuture.completedFuture(null);
        }
        replacementsByCause.merge(wish.cause(), 1, Integer::sum); // rolling causes only: see restartUnhealthy
        log.info("worker {}: replacing it ({}): {}", id, wish.cause().tag(), wish.reason());
        return replace().handle((done, failure) -> {
            if (failure != null) {
                log.warn("worker {}: replacing it ({}) failed: {}; it keeps serving, and may be wanted replaced again", id,
                        wish.cause().tag(), failure.getMessage());
                instance.wishDropped();
            }
            return null;
        });
    }

    /**
     * The fleet queue's turn for an instance that stayed UNHEALTHY: stopped and respawned as after
     * any exit. Completes once the respawned instance is UP or has ended, or the slot stops trying
     * (FAILED, stopped), so that at most max-surge such restarts run at once.
     */
    private CompletableFuture<Void> restartUnhealthy(WorkerInstance instance) {
        if (stopWanted || instance != current || next != null || !instance.restartUnhealthy()) {
            instance.wishDropped(); // recovered, replaced or stopped meanwhile
            return CompletableFuture.completedFuture(null);
        }
        respawnWaiter = new CompletableFuture<>();
        return respawnWaiter;
    }

    /** The restart the fleet's queue waits for is over, one way or another. */
    private void respawnSettled() {
        if (respawnWaiter != null) {
            respawnWaiter.complete(null);
            respawnWaiter = null;
        }
    }

    /** One memory sample of the serving instance, against {@code cap} bytes (see {@link WorkerInstance#checkMemory}). */
    void checkMemory(long cap, LongUnaryOperator residentBytes) {
        if (current != null) {
            current.checkMemory(cap, residentBytes);
        }
    }

    /** A new current instance on the home port (or a spare one while an old instance holds it); null if it could not start. */
    private WorkerInstance spawn(boolean slowStart) {
        int port = homePort;
        if (context.ports().held(homePort)) {
            try {
                port = context.ports().takeSpare(homePort);
            } catch (IllegalStateException e) {
                failedStart(ExitCause.startFailed(e.getMessage()));
                return null;
            }
        } else if (!context.ports().take(homePort)) {
            failedStart(ExitCause.portInUse(homePort));
            return null;
        }
        WorkerInstance instance = new WorkerInstance(id, port, ++generation, context, admin, slowStart);
        current = instance;
        if (respawnWaiter != null) {
            CompletableFuture<Void> waiter = respawnWaiter;
            respawnWaiter = null;
            instance.up().whenComplete((ok, failure) -> waiter.complete(null));
        }
        instance.exited().thenAccept(exit -> currentExited(instance, exit));
        replaceWhenWanted(instance);
        instance.start();
        return current == instance ? instance : null;
    }

    private void currentExited(WorkerInstance ended, WorkerInstance.Exit exit) {
        if (ended != current) {
            return; // replaced meanwhile: its stop was planned
        }
        current = null;
        lastExit = exit.cause();
        if (stopWanted) {
            respawnSettled();
            between = EndpointState.STOPPED;
            log.info("worker {} (pid {}) stopped after {} ms: {}", id, exit.pid(), exit.uptime().toMillis(), exit.cause());
            return;
        }
        if (next != null) {
            // The replacement under way takes over; the roll's caller still hears whether it comes UP.
            log.warn("worker {} (pid {}) exited after {} ms while being replaced: {}; its replacement takes over", id,
                    exit.pid(), exit.uptime().toMillis(), exit.cause());
            current = next;
            next = null;
            return;
        }
        if (exit.pid() != -1) {
            log.warn("worker {} (pid {}) exited after {} ms: {}", id, exit.pid(), exit.uptime().toMillis(), exit.cause());
        } else {
            log.error("worker {}: {}", id, exit.cause());
        }
        respawnLater(exit.upFor());
    }

    private void replacementExited(WorkerInstance replacement, WorkerInstance.Exit exit) {
        if (replacement == next) {
            next = null;
            log.warn("worker {}: the replacement on port {} ended before it was UP: {}; the roll is aborted", id,
                    replacement.port(), exit.cause());
        } else if (replacement == current) {
            currentExited(replacement, exit);
        }
    }

    private void failedStart(ExitCause cause) {
        lastExit = cause;
        log.error("worker {}: {}", id, cause);
        respawnLater(Duration.ZERO);
    }

    private void respawnLater(Duration upFor) {
        Duration delay = policy.afterExit(upFor);
        if (delay == null) {
            respawnSettled();
            between = EndpointState.FAILED;
            failedAtNanos = context.loop().nanoTime();
            var restart = context.settings().restart();
            String retry = restart.failedRetry().isZero() ? "it is not respawned again"
                    : "it is tried again in " + restart.failedRetry().toMillis() + " ms";
            log.error("worker {} FAILED: {} crashes in a row (exits before it was UP for {} ms); {}, or at once on a"
                    + " reload or restart. Last exit: {}", id, policy.crashesInRow(), restart.minUptime().toMillis(), retry,
                    lastExit);
            if (!restart.failedRetry().isZero()) {
                respawn = context.loop().schedule(restart.failedRetry(), this::retryFailed);
            }
            return;
        }
        between = EndpointState.BACKOFF;
        restarts++;
        restartsByCause.merge(lastExit.kind(), 1, Integer::sum);
        log.info("worker {}: respawning in {} ms ({} crashes in a row)", id, delay.toMillis(), policy.crashesInRow());
        respawn = context.loop().schedule(delay, () -> {
            if (!stopWanted && current == null) {
                spawn(true);
            }
        });
    }

    /** What status says of a slot with no process: why, and what comes next. */
    private String betweenHealth() {
        if (between == EndpointState.FAILED) {
            Duration retry = context.settings().restart().failedRetry();
            String next = retry.isZero() ? "not tried again" : "tried again in "
                    + Math.max(0, (retry.toNanos() - (context.loop().nanoTime() - failedAtNanos)) / 1_000_000) + " ms";
            return "FAILED after " + policy.crashesInRow() + " crashes in a row, " + next
                    + (failedRetries > 0 ? " (" + failedRetries + " tries after FAILED so far)" : "");
        }
        return between == EndpointState.BACKOFF ? "no process: " + policy.crashesInRow() + " crashes in a row" : "no process";
    }

    /** failed-retry after FAILED: one more start; a crash makes the slot FAILED again at once. */
    private void retryFailed() {
        if (stopWanted || current != null || between != EndpointState.FAILED) {
            return;
        }
        restarts++;
        failedRetries++;
        restartsByCause.merge(lastExit.kind(), 1, Integer::sum);
        log.info("worker {} FAILED {} ms ago: trying it again (retry {})", id,
                context.settings().restart().failedRetry().toMillis(), failedRetries);
        spawn(true);
    }
}
