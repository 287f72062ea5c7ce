package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.worker.protocol.Frame;
import dev.shepherd.worker.protocol.WorkerEnv;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
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
    private static final long PROBE_MILLIS = 100;

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
    private ScheduledFuture<?> probe; // port probe of a worker without a control channel

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
        state = EndpointState.STARTING;
        generation++;
        if (!PortCheck.isFree(port)) {
            failedStart(ExitCause.portInUse(port));
            return;
        }
        ControlSocket control;
        try {
            control = ControlSocket.bind(id, context.socketDir().resolve("worker-" + id + "-" + generation + ".sock"));
        } catch (IOException e) {
            failedStart(new ExitCause("cannot create its control socket: " + e.getMessage(), false));
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
        log.info("worker {} started: pid {}, port {}", id, spawned.pid(), port);
        OutputPump.start(id, "out", started.getInputStream());
        OutputPump.start(id, "err", started.getErrorStream());
        control.start(new ControlEvents(spawned));
        started.onExit().thenRun(() -> context.loop().execute(() -> exited(spawned)));
        Duration readyTimeout = context.settings().readyTimeout();
        timer = schedule(readyTimeout, () -> notReadyInTime(spawned, readyTimeout));
        probe = context.loop().scheduleWithFixedDelay(() -> probePort(spawned), PROBE_MILLIS, PROBE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Stops the worker for good: shutdown request, then SIGTERM, then SIGKILL. */
    CompletableFuture<Void> stop() {
        stopWanted = true;
        cancel(timer);
        cancel(probe);
        WorkerProcess current = process;
        if (current == null) {
            if (state != EndpointState.FAILED) {
                state = EndpointState.STOPPED;
            }
            stopped.complete(null);
            return stopped;
        }
        state = EndpointState.STOPPING;
        context.group().setEligible(endpoint, false);
        Duration stopTimeout = context.settings().stopTimeout();
        if (current.control().send(Frame.shutdown(stopTimeout))) {
            timer = schedule(stopTimeout, () -> terminate(current));
        } else {
            terminate(current);
        }
        return stopped;
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

    private void admit(WorkerProcess admitted, String how) {
        if (admitted != process || state != EndpointState.STARTING) {
            return;
        }
        cancel(timer);
        cancel(probe);
        state = EndpointState.UP;
        context.group().setEligible(endpoint, true);
        log.info("worker {} (pid {}) is up on port {}: {} after {} ms; in rotation",
                id, admitted.pid(), port, how, admitted.uptime(System.nanoTime()).toMillis());
    }

    private void probePort(WorkerProcess probed) {
        if (probed != process || state != EndpointState.STARTING || probed.control().connected()) {
            cancel(probe);
            return;
        }
        context.blocking().execute(() -> {
            if (PortCheck.accepts(port, (int) PROBE_MILLIS)) {
                context.loop().execute(() -> {
                    // A worker that links worker-runtime connects before it binds: it is admitted by `ready`.
                    if (!probed.control().connected()) {
                        admit(probed, "its port accepts connections (no control channel)");
                    }
                });
            }
        });
    }

    private void notReadyInTime(WorkerProcess slow, Duration readyTimeout) {
        if (slow == process && state == EndpointState.STARTING) {
            log.warn("worker {} (pid {}) was not ready within {} ms; killing it", id, slow.pid(), readyTimeout.toMillis());
            kill(slow, ExitCause.notReady(readyTimeout));
        }
    }

    private void hung(WorkerProcess silent, Duration silence) {
        log.error("worker {} (pid {}) sent no heartbeat for {} ms: hung. Out of rotation; dumping its threads, then killing it",
                id, silent.pid(), silence.toMillis());
        killCause = ExitCause.missedHeartbeats(silence);
        context.group().setEligible(endpoint, false);
        context.blocking().execute(() -> {
            log.error("worker {} (pid {}) thread dump:\n{}", id, silent.pid(), ThreadDump.of(silent.pid()));
            silent.kill();
        });
    }

    private void kill(WorkerProcess victim, ExitCause cause) {
        killCause = cause;
        context.group().setEligible(endpoint, false);
        victim.kill();
    }

    private void terminate(WorkerProcess stopping) {
        if (stopping != process) {
            return;
        }
        log.info("worker {} (pid {}): SIGTERM", id, stopping.pid());
        stopping.terminate();
        Duration killTimeout = context.settings().killTimeout();
        timer = schedule(killTimeout, () -> {
            if (stopping == process) {
                log.warn("worker {} (pid {}) still running {} ms after SIGTERM: SIGKILL", id, stopping.pid(), killTimeout.toMillis());
                stopping.kill();
            }
        });
    }

    private void controlClosed(WorkerProcess closing) {
        if (closing == process && state == EndpointState.UP) {
            // The worker is exiting (the runtime closes its channel last): no new connections for it.
            context.group().setEligible(endpoint, false);
        }
    }

    private void exited(WorkerProcess ended) {
        if (ended != process) {
            return;
        }
        long now = System.nanoTime();
        cancel(timer);
        cancel(probe);
        context.group().setEligible(endpoint, false);
        process = null;
        ended.control().close();
        int code = ended.process().exitValue();
        Duration uptime = ended.uptime(now);
        if (stopWanted) {
            lastExit = ExitCause.stopped(code);
            state = EndpointState.STOPPED;
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
        log.error("worker {} cannot start: {}", id, cause);
        respawnLater(System.nanoTime(), Duration.ZERO);
    }

    private void respawnLater(long now, Duration uptime) {
        Duration delay = policy.afterExit(now, uptime);
        if (delay == null) {
            state = EndpointState.FAILED;
            var restart = context.settings().restart();
            log.error("worker {} FAILED: more than {} restarts within {} ms; it is not respawned again. Last exit: {}",
                    id, restart.maxRestarts(), restart.window().toMillis(), lastExit);
            return;
        }
        state = EndpointState.BACKOFF;
        restarts++;
        log.info("worker {}: respawning in {} ms (restart {} within the window)", id, delay.toMillis(), policy.recentRestarts());
        timer = schedule(delay, this::start);
    }

    private ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return context.loop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
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
        return root.getMessage() != null ? root.getMessage() : root.toString();
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
                case READY -> context.loop().execute(() -> admit(source, "said ready"));
                case MESSAGE -> context.messages().accept(id, frame.payload());
                case HEARTBEAT -> { } // its time is all that counts, and the socket noted it
                default -> log.warn("worker {}: dropped a '{}' frame: only Shepherd sends those", id, frame);
            }
        }

        @Override
        public void onClosed() {
            context.loop().execute(() -> controlClosed(source));
        }
    }
}
