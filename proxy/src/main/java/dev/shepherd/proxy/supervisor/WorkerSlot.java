package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.proxy.health.HealthChecker;
import dev.shepherd.worker.protocol.Frame;
import dev.shepherd.worker.protocol.WorkerEnv;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker id and its port, through the processes that hold them: spawn, admission, exit,
 * respawn with back-off, FAILED, stop. Every method runs on the supervisor's thread
 * ({@link SlotContext#loop()}); events from other threads are posted there and ignored when they
 * concern a process that is no longer the slot's.
 */
final class WorkerSlot {
    private static final Logger log = LoggerFactory.getLogger(WorkerSlot.class);
    private static final Duration DRAIN_POLL = Duration.ofMillis(50);

    private final String id;
    private final int port;
    private final Endpoint endpoint;
    private final SlotContext context;
    private final RestartPolicy policy;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private EndpointState state = EndpointState.STARTING;
    private volatile WorkerProcess process; // written on the loop; read by send() on any thread
    private ExitCause killCause; // why Shepherd killed the current process, if it did
    private ExitCause lastExit;
    private int restarts;
    private int generation;
    private boolean stopWanted;
    private ScheduledFuture<?> timer; // ready timeout, respawn delay or stop escalation
    private ScheduledFuture<?> unhealthyTimer; // restart of a worker that stays UNHEALTHY
    private HealthChecker checker; // of the current process
    private boolean saidReady; // the current process said `ready`
    private boolean healthy; // the current process passes its health checks

    WorkerSlot(String id, int port, SlotContext context) {
        this.id = id;
        this.port = port;
        this.endpoint = new Endpoint(id, "127.0.0.1", port);
        this.context = context;
        this.policy = new RestartPolicy(context.settings().restart());
        context.group().add(endpoint, false);
    }

    String id() {
        return id;
    }

    WorkerStatus status() {
        long now = System.nanoTime();
        return new WorkerStatus(id, port,
                process == null ? OptionalLong.empty() : OptionalLong.of(process.pid()),
                state, restarts, process == null ? Duration.ZERO : process.uptime(now), lastExit);
    }

    /** Sends an application message; false when the worker has no open control channel. */
    boolean send(String text) {
        WorkerProcess current = process;
        return current != null && current.control().send(Frame.message(text));
    }

    void start() {
        setState(EndpointState.STARTING);
        generation++;
        if (!PortCheck.isFree(port)) {
            failedStart(ExitCause.portInUse(port));
            return;
        }
        ControlSocket control;
        try {
            control = ControlSocket.bind(id, context.socketDir().resolve("worker-" + id + "-" + generation + ".sock"));
        } catch (IOException e) {
            failedStart(new ExitCause("cannot create its control socket: " + e.getMessage()));
            return;
        }
        Process started;
        try {
            started = context.starter().start(context.command(), environment(control));
        } catch (IOException e) {
            control.close();
            failedStart(ExitCause.cannotStart(context.command(), rootMessage(e)));
            return;
        }
        WorkerProcess spawned = new WorkerProcess(started, control, System.nanoTime());
        process = spawned;
        killCause = null;
        saidReady = false;
        healthy = false;
        log.info("worker {} started: pid {}, port {}", id, spawned.pid(), port);
        OutputPump.start(id, "out", started.getInputStream());
        OutputPump.start(id, "err", started.getErrorStream());
        control.start(new ControlEvents(spawned));
        started.onExit().thenRun(() -> post(() -> exited(spawned)));
        Duration readyTimeout = context.settings().readyTimeout();
        timer = schedule(readyTimeout, () -> notReadyInTime(spawned, readyTimeout));
        checker = context.health().watch(endpoint,
                (isHealthy, reason) -> post(() -> healthChanged(spawned, isHealthy, reason)));
    }

    /** Stops the worker for good: shutdown request, then SIGTERM, then SIGKILL. */
    CompletableFuture<Void> stop() {
        stopWanted = true;
        cancel(timer);
        WorkerProcess current = process;
        if (current == null) {
            if (state != EndpointState.FAILED) {
                setState(EndpointState.STOPPED);
            }
            stopped.complete(null);
            return stopped;
        }
        stopProcess(current);
        return stopped;
    }

    /**
     * Drain (out of rotation until its connections close, up to {@code drain-timeout}), then the
     * shutdown request, {@code stop-timeout}, SIGTERM, {@code kill-timeout}, SIGKILL.
     */
    private void stopProcess(WorkerProcess current) {
        cancelTimers();
        setState(EndpointState.DRAINING);
        Duration drainTimeout = context.settings().drainTimeout();
        int open = context.group().activeConnections(endpoint);
        if (open > 0) {
            log.info("worker {} (pid {}) DRAINING: out of rotation, waiting up to {} ms for its {} open connections",
                    id, current.pid(), drainTimeout.toMillis(), open);
        }
        drainThenAskToStop(current, System.nanoTime() + drainTimeout.toNanos());
    }

    private void drainThenAskToStop(WorkerProcess current, long deadlineNanos) {
        if (current != process) {
            return;
        }
        int open = context.group().activeConnections(endpoint);
        if (open > 0 && System.nanoTime() - deadlineNanos < 0) {
            timer = schedule(DRAIN_POLL, () -> drainThenAskToStop(current, deadlineNanos));
            return;
        }
        if (open > 0) {
            log.info("worker {} (pid {}) still has {} open connections at the end of drain-timeout; asking it to stop",
                    id, current.pid(), open);
        }
        setState(EndpointState.STOPPING);
        Duration stopTimeout = context.settings().stopTimeout();
        if (!current.control().connected()) {
            terminate(current);
            return;
        }
        timer = schedule(stopTimeout, () -> terminate(current));
        // Off the supervisor's thread: a worker that does not read its channel could block the write.
        context.blocking().execute(() -> {
            if (!current.control().send(Frame.shutdown(stopTimeout))) {
                post(() -> terminate(current));
            }
        });
    }

    /** Checks the heartbeat of a worker that has a control channel. */
    void checkHeartbeat(long nowNanos) {
        WorkerProcess current = process;
        if (current == null || killCause != null || !current.control().connected()
                || state == EndpointState.STOPPING) {
            return;
        }
        Duration silence = Duration.ofNanos(nowNanos - current.control().lastFrameNanos());
        if (silence.compareTo(context.settings().heartbeat().timeout()) > 0) {
            hung(current, silence);
        }
    }

    private Map<String, String> environment(ControlSocket control) {
        Map<String, String> env = new LinkedHashMap<>(context.settings().env());
        env.put(WorkerEnv.ID, id);
        env.put(WorkerEnv.PORT, Integer.toString(port));
        env.put(WorkerEnv.CONTROL_SOCKET, control.path().toString());
        env.put(WorkerEnv.HEARTBEAT_INTERVAL, Long.toString(context.settings().heartbeat().interval().toMillis()));
        return env;
    }

    /** UP needs both keys: `ready` (or no control channel at all) and passing health checks. */
    private void admitIfReady(WorkerProcess candidate) {
        if (candidate != process || state != EndpointState.STARTING || !healthy) {
            return;
        }
        boolean linksRuntime = candidate.control().connected();
        if (linksRuntime && !saidReady) {
            return;
        }
        cancel(timer);
        setState(EndpointState.UP);
        log.info("worker {} (pid {}) is UP on port {}, {} ms after its start: {} and {} health checks passed; in rotation",
                id, candidate.pid(), port, candidate.uptime(System.nanoTime()).toMillis(),
                linksRuntime ? "it said ready" : "no control channel", context.health().rise());
    }

    private void healthChanged(WorkerProcess checked, boolean isHealthy, String reason) {
        if (checked != process) {
            return;
        }
        healthy = isHealthy;
        if (isHealthy && state == EndpointState.STARTING) {
            admitIfReady(checked);
        } else if (isHealthy && state == EndpointState.UNHEALTHY) {
            cancel(unhealthyTimer);
            setState(EndpointState.UP);
            log.info("worker {} (pid {}) UNHEALTHY -> UP: {}; in rotation", id, checked.pid(), reason);
        } else if (!isHealthy && state == EndpointState.UP) {
            setState(EndpointState.UNHEALTHY);
            Duration grace = context.settings().unhealthyRestartAfter();
            log.warn("worker {} (pid {}) UP -> UNHEALTHY: {}; out of rotation, restarted if still unhealthy in {} ms",
                    id, checked.pid(), reason, grace.toMillis());
            unhealthyTimer = schedule(grace, () -> restartUnhealthy(checked, grace));
        }
    }

    private void restartUnhealthy(WorkerProcess sick, Duration grace) {
        if (sick == process && state == EndpointState.UNHEALTHY) {
            log.warn("worker {} (pid {}) has been UNHEALTHY for {} ms: restarting it", id, sick.pid(), grace.toMillis());
            killCause = new ExitCause("unhealthy for " + grace.toMillis() + " ms, restarted");
            stopProcess(sick);
        }
    }

    private void notReadyInTime(WorkerProcess slow, Duration readyTimeout) {
        if (slow == process && state == EndpointState.STARTING) {
            log.warn("worker {} (pid {}) was not UP within {} ms ({}, health checks {}); killing it",
                    id, slow.pid(), readyTimeout.toMillis(),
                    slow.control().connected() ? (saidReady ? "it said ready" : "it did not say ready") : "no control channel",
                    healthy ? "passing" : "not passing");
            kill(slow, ExitCause.notReady(readyTimeout));
        }
    }

    private void hung(WorkerProcess silent, Duration silence) {
        log.error("worker {} (pid {}) sent no heartbeat for {} ms: hung. Out of rotation; dumping its threads, then killing it",
                id, silent.pid(), silence.toMillis());
        killCause = ExitCause.missedHeartbeats(silence);
        setState(EndpointState.STOPPING);
        context.blocking().execute(() -> {
            log.error("worker {} (pid {}) thread dump:\n{}", id, silent.pid(), ThreadDump.of(silent.pid()));
            silent.kill();
        });
    }

    private void kill(WorkerProcess victim, ExitCause cause) {
        killCause = cause;
        setState(EndpointState.STOPPING);
        victim.kill();
    }

    private void terminate(WorkerProcess stopping) {
        if (stopping != process || !stopping.terminate()) {
            return; // gone, or SIGTERM already sent
        }
        log.info("worker {} (pid {}): SIGTERM", id, stopping.pid());
        Duration killTimeout = context.settings().killTimeout();
        cancel(timer);
        timer = schedule(killTimeout, () -> {
            if (stopping == process) {
                log.warn("worker {} (pid {}) still running {} ms after SIGTERM: SIGKILL", id, stopping.pid(), killTimeout.toMillis());
                stopping.kill();
            }
        });
    }

    private void controlClosed(WorkerProcess closing) {
        if (closing != process || state == EndpointState.STOPPING || state == EndpointState.DRAINING) {
            return;
        }
        // The runtime closes its channel as the JVM exits: no new connections for it. If the JVM
        // does not finish exiting (a shutdown hook that hangs), the stop sequence takes over.
        Duration stopTimeout = context.settings().stopTimeout();
        log.info("worker {} (pid {}) closed its control channel: it is exiting; out of rotation, SIGTERM if still running in {} ms",
                id, closing.pid(), stopTimeout.toMillis());
        cancelTimers();
        setState(EndpointState.STOPPING);
        timer = schedule(stopTimeout, () -> terminate(closing));
    }

    private void exited(WorkerProcess ended) {
        if (ended != process) {
            return;
        }
        long now = System.nanoTime();
        cancelTimers();
        checker.close();
        process = null;
        ended.control().close();
        ended.killLeftovers(context.settings().killTimeout(), context.blocking());
        int code = ended.process().exitValue();
        Duration uptime = ended.uptime(now);
        if (stopWanted) {
            lastExit = ExitCause.stopped(code);
            setState(EndpointState.STOPPED);
            log.info("worker {} (pid {}) stopped after {} ms: exit code {}", id, ended.pid(), uptime.toMillis(), code);
            stopped.complete(null);
            return;
        }
        lastExit = killCause != null ? killCause : ExitCause.exited(code);
        log.warn("worker {} (pid {}) exited after {} ms: {}", id, ended.pid(), uptime.toMillis(), lastExit);
        respawnLater(now, uptime);
    }

    private void failedStart(ExitCause cause) {
        lastExit = cause;
        log.error("worker {}: {}", id, cause);
        respawnLater(System.nanoTime(), Duration.ZERO);
    }

    private void respawnLater(long now, Duration uptime) {
        Duration delay = policy.afterExit(now, uptime);
        if (delay == null) {
            setState(EndpointState.FAILED);
            var restart = context.settings().restart();
            log.error("worker {} FAILED: it exited again after {} restarts within {} ms; it is not respawned again. Last exit: {}",
                    id, restart.maxRestarts(), restart.window().toMillis(), lastExit);
            return;
        }
        setState(EndpointState.BACKOFF);
        restarts++;
        log.info("worker {}: respawning in {} ms (restart {} within the window)", id, delay.toMillis(), policy.recentRestarts());
        timer = schedule(delay, this::start);
    }

    private void setState(EndpointState next) {
        state = next;
        context.group().setState(endpoint, next);
    }

    /** Runs {@code event} on the supervisor's thread; dropped once the supervisor has shut down. */
    private void post(Runnable event) {
        try {
            context.loop().execute(event);
        } catch (RejectedExecutionException closed) {
            log.debug("worker {}: event after the supervisor stopped, dropped", id);
        }
    }

    private ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return context.loop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelTimers() {
        cancel(timer);
        cancel(unhealthyTimer);
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        // The JDK says "error=2, No such file or directory": the errno's number adds nothing.
        return root.getMessage() != null ? root.getMessage().replaceFirst("^error=\\d+, ", "") : root.toString();
    }

    /** The control channel's events, from its reader thread. */
    private final class ControlEvents implements ControlSocket.Handler {
        private final WorkerProcess source;

        ControlEvents(WorkerProcess source) {
            this.source = source;
        }

        @Override
        public void onConnected() {
            // Heartbeats are timed from here; nothing else changes until `ready`.
        }

        @Override
        public void onFrame(Frame frame) {
            switch (frame.type()) {
                case READY -> post(() -> {
                    if (source == process) {
                        saidReady = true;
                        checker.checkNow(); // no need to wait for the next scheduled check
                        admitIfReady(source);
                    }
                });
                case MESSAGE -> context.messages().accept(id, frame.payload());
                case HEARTBEAT -> { } // its time is all that counts, and the socket noted it
                default -> log.warn("worker {}: dropped a '{}' frame: only Shepherd sends those", id, frame);
            }
        }

        @Override
        public void onClosed() {
            post(() -> controlClosed(source));
        }
    }
}
