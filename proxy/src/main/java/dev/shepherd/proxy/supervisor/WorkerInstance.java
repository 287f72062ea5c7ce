package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.WorkerProtocol;
import dev.shepherd.proxy.endpoint.AdminState;
import dev.shepherd.proxy.endpoint.CheckOutcome;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.proxy.endpoint.HealthVerdicts;
import dev.shepherd.proxy.health.EndpointCheck;
import dev.shepherd.proxy.logging.LogLimiter;
import dev.shepherd.worker.protocol.Frame;
import dev.shepherd.worker.protocol.WorkerEnv;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process of a slot, on one port: its endpoint in the group, its control socket, its health
 * checks and its timers. STARTING until it has said {@code ready} (when it links worker-runtime)
 * and passed {@code rise} checks, then UP; UNHEALTHY after {@code fall} failures; stopped by its
 * {@link StopSequence}. {@link #up()} completes when it is admitted (or fails if it ends first),
 * {@link #exited()} when its process has exited. Every method runs on the supervisor's loop.
 */
final class WorkerInstance {
    private static final Logger log = LoggerFactory.getLogger(WorkerInstance.class);
    private static final int RAMP_STEPS = 10;

    /**
     * How the process ended: {@code pid} -1 and {@code code} -1 when it never started;
     * {@code planned} when the edge stopped it (not respawned).
     */
    private static final long NEVER_UP = Long.MIN_VALUE;
    /** The most log lines (output and messages together) one instance may cause per second. */
    static final int LOG_LINES_PER_SECOND = 100;

    /**
     * @param uptime how long the process ran
     * @param upFor how long it was UP (admitted), zero if it never was
     */
    record Exit(long pid, int code, ExitCause cause, Duration uptime, Duration upFor, boolean planned) {}

    /** Why this instance should be replaced the rolling way, and the words for the log. */
    record Wish(ReplacementCause cause, String reason) {}

    /** Memory samples in a row above {@code workers.max-memory} that make an instance replaced. */
    static final int MEMORY_SAMPLES = 3;
    private static final SecureRandom SECRETS = new SecureRandom();

    private final String id;
    private final int port;
    private final int generation;
    private final SlotContext context;
    private final boolean slowStart;
    private final CompletableFuture<Void> up = new CompletableFuture<>();
    private Consumer<Wish> wishes = wish -> { }; // the slot's; on the loop
    /** The cause of this instance's wish that waits or is being carried out, null if none; on the loop. */
    private ReplacementCause pendingWish;
    private long unhealthySinceNanos; // on the loop: when it last went UP -> UNHEALTHY
    /** Every log line this instance can cause (its output, its messages) within one budget. */
    private final LogLimiter logBudget = new LogLimiter(LOG_LINES_PER_SECOND, 1, TimeUnit.SECONDS, System::nanoTime);
    private final CompletableFuture<Exit> exited = new CompletableFuture<>();
    private EndpointState state = EndpointState.STARTING;
    private long upSinceNanos = NEVER_UP;
    /** What the health checks said last ("failing: HTTP 404"), from the checker's thread. */
    private volatile String lastHealth = "none run yet";
    private volatile long heapUsedBytes = -1; // as the worker's last heartbeat said; -1 if none said it
    private volatile WorkerProcess process; // written on the loop; read by send() on a writing thread
    private EndpointGroup.Member member;
    private EndpointCheck check;
    private StopSequence stop;
    private boolean planned; // the edge asked it to stop
    private ExitCause killCause; // why the edge killed it, if it did: set once
    private boolean saidReady;
    private boolean healthy;
    private SupervisorLoop.Scheduled readyTimer = SupervisorLoop.Scheduled.NONE;
    private SupervisorLoop.Scheduled unhealthyTimer = SupervisorLoop.Scheduled.NONE;
    private SupervisorLoop.Scheduled rampTimer = SupervisorLoop.Scheduled.NONE;
    private AdminState slotAdmin; // the operator's word, through the slot
    private boolean selfDrained; // the worker asked to be drained
    private int rampStep = RAMP_STEPS; // slow start: tenths of a full share
    private int askedWeight = EndpointGroup.Member.FULL_WEIGHT; // the worker's own word on its share
    private int samplesOverMemory;
    /** What this instance's hello must carry: only its own environment has it. */
    private final String secret = newSecret();

    /**
     * @param admin the slot's admin state, which a new instance starts in
     * @param slowStart whether it joins warm instances: its weight ramps up over {@code workers.slow-start}
     */
    WorkerInstance(String id, int port, int generation, SlotContext context, AdminState admin, boolean slowStart) {
        this.id = id;
        this.port = port;
        this.generation = generation;
        this.context = context;

        this.slotAdmin = admin;
        this.slowStart = slowStart && !context.settings().slowStart().isZero();
    }

    int port() {
        return port;
    }

    /** Its name in the socket directory: its socket's, without the suffix. */
    private String recordName() {
        return "worker-" + id + "-" + generation;
    }

    private static String newSecret() {
        byte[] bytes = new byte[16];
        SECRETS.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    EndpointState state() {
        return state;
    }

    /**
     * Hears, on the loop, when this instance should be replaced the rolling way (its replacement UP
     * first): it broke the control protocol, asked for it, or stayed over the memory cap. While one
     * wish is pending, later ones are logged and dropped.
     */
    void onWish(Consumer<Wish> handler) {
        wishes = handler;
    }

    /**
     * Its pending wish was dealt with without replacing it (skipped, or the replacement failed): it
     * may wish again. One still UNHEALTHY is wanted restarted again after another grace.
     */
    void wishDropped() {
        pendingWish = null;
        samplesOverMemory = 0;
        if (state == EndpointState.UNHEALTHY && stop == null) {
            armUnhealthyRestart();
        }
    }

    /**
     * Whether one more line this worker causes (a message, a request of its own) may be logged, within
     * its budget; the first line after a drop says how many were dropped. Any thread.
     */
    private boolean withinLogBudget() {
        long held = logBudget.tryLog();
        if (held > 0) {
            log.warn("worker {}: {} messages, requests or output lines dropped before this one: over {} a second", id, held,
                    LOG_LINES_PER_SECOND);
        }
        return held >= 0;
    }

    /** On the loop. */
    private void wish(ReplacementCause cause, String reason) {
        // A rolling wish goes in even while an UNHEALTHY restart waits: the queue then carries out
        // the rolling one (the instance recovered meanwhile, or it is replaced instead of restarted).
        if (pendingWish != null && !(pendingWish == ReplacementCause.UNHEALTHY && cause.rolling())) {
            if (withinLogBudget()) {
                log.info("worker {}: {} ({}); a replacement is already wanted", id, reason, cause.tag());
            }
            return;
        }
        pendingWish = cause;
        wishes.accept(new Wish(cause, reason));
    }

    /**
     * One memory sample (on the loop, every few seconds): {@link #MEMORY_SAMPLES} in a row with the
     * process's resident memory above {@code cap} bytes make it wanted replaced, cause memory.
     *
     * @param residentBytes the resident memory of a pid, or -1 when it cannot be read
     */
    void checkMemory(long cap, LongUnaryOperator residentBytes) {
        if (process == null || state != EndpointState.UP || stop != null || (pendingWish != null && pendingWish.rolling())) {
            samplesOverMemory = 0;
            return;
        }
        long resident = residentBytes.applyAsLong(process.pid());
        samplesOverMemory = resident > cap ? samplesOverMemory + 1 : 0;
        if (samplesOverMemory >= MEMORY_SAMPLES) {
            log.warn("{}: resident memory {} MiB over workers.max-memory {} MiB in {} samples in a row; replacing it",
                    name(), resident >> 20, cap >> 20, MEMORY_SAMPLES);
            wish(ReplacementCause.MEMORY, "resident memory " + (resident >> 20) + " MiB over workers.max-memory "
                    + (cap >> 20) + " MiB");
        }
    }

    CompletableFuture<Void> up() {
        return up;
    }

    CompletableFuture<Exit> exited() {
        return exited;
    }

    /** The status row of this instance. */
    WorkerStatus status(int restarts, Map<ExitCause.Kind, Integer> restartsByCause,
            Map<ReplacementCause, Integer> replacementsByCause, ExitCause lastExit) {
        EndpointState shown = state;
        if (stop != null && state != EndpointState.STOPPED) {
            shown = member.state() == EndpointState.STOPPING ? EndpointState.STOPPING : EndpointState.DRAINING;
        } else if (state == EndpointState.UP && member != null && member.adminState() == AdminState.DRAIN) {
            shown = EndpointState.DRAINING;
        }
        return new WorkerStatus(id, port, process == null ? OptionalLong.empty() : OptionalLong.of(process.pid()), shown,
                member == null ? "not checked yet" : member.health(),
                member == null ? 0 : member.weight(),
                member == null ? 0 : member.activeConnections(), member == null ? 0 : member.totalConnections(),
                restarts, restartsByCause, replacementsByCause, process == null ? Duration.ZERO : process.uptime(context.loop().nanoTime()),
                lastExit, heapUsedBytes);
    }

    /** Starts the process; a start that fails completes {@link #exited()} with the reason at once. */
    void start() {
        ControlSocket control;
        try {
            control = ControlSocket.bind(id, context.socketDir().resolve(recordName() + ".sock"), secret);
        } catch (IOException e) {
            failedStart(ExitCause.startFailed("cannot create its control socket: " + e.getMessage()));
            return;
        }
        List<String> argv = context.command().forInstance(id, port);
        Process started;
        try {
            started = context.starter().start(argv, environment(control));
        } catch (IOException e) {
            control.close();
            failedStart(ExitCause.cannotStart(argv, rootMessage(e)));
            return;
        }
        process = new WorkerProcess(started, control, context.loop().nanoTime());
        SocketDirs.record(context.socketDir(), recordName(), process.pid());
        member = context.group().add(new Endpoint(id, "127.0.0.1", port), "worker");
        applyAdminState();
        log.info("worker {} started: pid {}, port {}", id, process.pid(), port);
        OutputPump.start(id, started.pid(), "out", started.getInputStream(), logBudget);
        OutputPump.start(id, started.pid(), "err", started.getErrorStream(), logBudget);
        control.start(new ControlEvents());
        started.onExit().thenRun(() -> context.loop().execute(this::processExited));
        Duration readyTimeout = context.settings().readyTimeout();
        readyTimer = context.loop().schedule(readyTimeout, () -> notReadyInTime(readyTimeout));
        check = context.checks().watch(member.endpoint(), new Verdicts());
    }

    /** The planned stop: drain, stop request, SIGTERM, SIGKILL. Completes when the process has exited. */
    CompletableFuture<Exit> stop() {
        planned = true;
        // A worker being killed (hung, not ready in time) is left to that: its cause stays.
        if (process != null && stop == null && killCause == null && state != EndpointState.STOPPED) {
            beginStop().start();
        }
        return exited;
    }

    /** SIGKILL now, when the edge's own stop has run out of time; the exit is still a planned stop. */
    void killNow() {
        if (process != null && state != EndpointState.STOPPED) {
            log.warn("{} still running when shutdown-timeout ran out: SIGKILL", name());
            planned = true;
            process.kill();
        }
    }

    /** Admin state, as an operator sets it; an instance being stopped, or drained at its own request, stays drained. */
    void setAdminState(AdminState wanted) {
        slotAdmin = wanted;
        applyAdminState();
    }

    private void applyAdminState() {
        if (member != null && stop == null) {
            member.setAdminState(selfDrained ? AdminState.DRAIN : slotAdmin);
        }
    }

    /** The worker asked to be drained ({@code requestDrain}) or made ready again ({@code requestReady}). On the loop. */
    private void drainAsked(boolean drain) {
        if (selfDrained == drain) {
            return;
        }
        selfDrained = drain;
        applyAdminState();
        if (withinLogBudget()) {
            log.info("{} asked to be {}", name(), drain ? "drained: out of rotation, its open connections go on"
                    : "ready again: " + (slotAdmin == AdminState.READY ? "in rotation while healthy" : "still drained by an operator"));
        }
    }

    /** The worker set its own share ({@code setWeight}); slow start scales it while it ramps. On the loop. */
    private void weightAsked(int weight) {
        if (askedWeight != weight && withinLogBudget()) {
            log.info("{} set its weight to {}{}", name(), weight, weight == 0 ? ": no new connections" : "");
        }
        askedWeight = weight;
        applyWeight();
    }

    private void applyWeight() {
        if (member != null) {
            member.setWeight(askedWeight * rampStep / RAMP_STEPS);
        }
    }

    /** Completes when no connection to this instance is open. */
    CompletableFuture<Void> whenIdle() {
        return member == null ? CompletableFuture.completedFuture(null) : member.whenIdle();
    }

    /** Sends an application message; false when the worker has no open control channel. Any thread. */
    boolean send(String text) {
        WorkerProcess current = process;
        return current != null && current.control().send(Frame.message(text));
    }

    /** A worker that links worker-runtime and sent nothing for {@code heartbeat.timeout} is hung: killed. */
    void checkHeartbeat(long nowNanos) {
        if (process == null || killCause != null || stop != null || !process.control().connected()
                || state == EndpointState.STOPPING || state == EndpointState.STOPPED) {
            return;
        }
        Duration silence = Duration.ofNanos(nowNanos - process.control().lastFrameNanos());
        if (silence.compareTo(context.settings().heartbeat().timeout()) > 0) {
            log.error("{} sent no heartbeat for {} ms: hung. Out of rotation; dumping its threads, then killing it",
                    name(), silence.toMillis());
            WorkerProcess silent = process;
            kill(ExitCause.missedHeartbeats(silence), () -> {
                log.error("{} thread dump:\n{}", name(), ThreadDump.of(silent.pid()));
                silent.kill();
            });
        }
    }

    private String name() {
        return "worker " + id + " (pid " + process.pid() + ")";
    }

    private Map<String, String> environment(ControlSocket control) {
        Map<String, String> env = new LinkedHashMap<>();
        context.settings().env().forEach((name, value) -> env.put(name, WorkerCommand.expand(value, id, port)));
        env.put(WorkerEnv.ID, id);
        env.put(WorkerEnv.PORT, Integer.toString(port));
        if (context.settings().protocol() != WorkerProtocol.NONE) {
            env.put(WorkerEnv.CONTROL_SOCKET, control.path().toString());
            env.put(WorkerEnv.CONTROL_SECRET, secret);
            env.put(WorkerEnv.DRAIN_TIMEOUT, Long.toString(context.settings().drainTimeout().toMillis()));
            env.put(WorkerEnv.REPORT_HEAP, "1");
        }
        env.put(WorkerEnv.HEARTBEAT_INTERVAL, Long.toString(context.settings().heartbeat().interval().toMillis()));
        return env;
    }

    /** Whether this instance must say ready to be admitted: {@code workers.protocol}, or for auto, the demo or an open channel. */
    private boolean speaksProtocol() {
        return switch (context.settings().protocol()) {
            case RUNTIME -> true;
            case NONE -> false;
            case AUTO -> !context.command().fromSettings() || process.control().connected();
        };
    }

    /** UP needs both keys: `ready` (or a worker that does not speak the protocol) and passing health checks. */
    private void admitIfReady() {
        if (state != EndpointState.STARTING || !healthy || stop != null || killCause != null) {
            return;
        }
        boolean linksRuntime = speaksProtocol();
        if (linksRuntime && !saidReady) {
            return;
        }
        readyTimer.cancel();
        if (slowStart) {
            rampWeight(1); // before it is UP: it never takes a full share while cold
        }
        setState(EndpointState.UP);
        upSinceNanos = context.loop().nanoTime();
        log.info("worker {} (pid {}) is UP on port {}, {} ms after its start: {} and its health checks passed; {}{}",
                id, process.pid(), port, process.uptime(context.loop().nanoTime()).toMillis(),
                linksRuntime ? "it said ready" : "no control channel",
                member.adminState() == AdminState.READY ? "in rotation" : "drained, out of rotation until made ready",
                slowStart ? ", its share growing to a full one over " + context.settings().slowStart().toMillis() + " ms" : "");
        up.complete(null);
    }

    /** Slow start: step {@code step} of {@link #RAMP_STEPS}, a weight of step tenths of a full one. */
    private void rampWeight(int step) {
        rampStep = step;
        applyWeight();
        if (step < RAMP_STEPS) {
            rampTimer = context.loop().schedule(context.settings().slowStart().dividedBy(RAMP_STEPS),
                    () -> rampWeight(step + 1));
        }
    }

    private void healthChanged(boolean isHealthy, String reason) {
        if (stop != null || state == EndpointState.STOPPING || state == EndpointState.STOPPED) {
            return;
        }
        healthy = isHealthy;
        if (isHealthy && state == EndpointState.STARTING) {
            admitIfReady();
        } else if (isHealthy && state == EndpointState.UNHEALTHY) {
            unhealthyTimer.cancel();
            setState(EndpointState.UP);
            log.info("{} UNHEALTHY -> UP: {}; in rotation", name(), reason);
        } else if (!isHealthy && state == EndpointState.UP) {
            setState(EndpointState.UNHEALTHY);
            unhealthySinceNanos = context.loop().nanoTime();
            log.warn("{} UP -> UNHEALTHY: {}; out of rotation, restarted if still unhealthy in {} ms", name(), reason,
                    context.settings().unhealthyRestartAfter().toMillis());
            armUnhealthyRestart();
        }
    }

    /** How long it has been UNHEALTHY this time. */
    private Duration unhealthyFor() {
        return Duration.ofNanos(context.loop().nanoTime() - unhealthySinceNanos);
    }

    /** Wants it restarted once it has been UNHEALTHY for unhealthy-restart-after (at once if it has). */
    private void armUnhealthyRestart() {
        Duration grace = context.settings().unhealthyRestartAfter();
        Duration left = grace.minus(unhealthyFor());
        unhealthyTimer.cancel();
        unhealthyTimer = context.loop().schedule(left.isNegative() ? Duration.ZERO : left, () -> {
            if (state == EndpointState.UNHEALTHY && stop == null) {
                wish(ReplacementCause.UNHEALTHY, "UNHEALTHY for " + unhealthyFor().toMillis() + " ms");
            }
        });
    }

    /**
     * Its turn in the fleet's queue after it stayed UNHEALTHY: stopped, to be respawned by its slot.
     * False when it is no longer UNHEALTHY (it recovered, or is stopping), or has been for less than
     * unhealthy-restart-after this time (it recovered and fell again while it waited).
     */
    boolean restartUnhealthy() {
        Duration grace = context.settings().unhealthyRestartAfter();
        if (state != EndpointState.UNHEALTHY || stop != null || unhealthyFor().compareTo(grace) < 0) {
            return false;
        }
        log.warn("{} has been UNHEALTHY for {} ms: restarting it", name(), grace.toMillis());
        killCause = ExitCause.unhealthy(grace);
        beginStop().start();
        return true;
    }

    private void notReadyInTime(Duration readyTimeout) {
        if (state == EndpointState.STARTING && killCause == null) {
            log.warn("{} was not UP within {} ms ({}; health checks: {}); killing it", name(), readyTimeout.toMillis(),
                    process.control().connected() ? (saidReady ? "it said ready" : "it did not say ready")
                        : speaksProtocol() ? "it never opened its control channel, and workers.protocol says it speaks it"
                        : "no control channel",
                    lastHealth);
            WorkerProcess slow = process;
            kill(ExitCause.notReady(readyTimeout), slow::kill);
        }
    }

    /** Out of rotation at once, the cause kept for the exit, then {@code killing} off the loop. */
    private void kill(ExitCause cause, Runnable killing) {
        killCause = cause;
        cancelTimers();
        setState(EndpointState.STOPPING);
        context.blocking().execute(killing);
    }

    private void readySaid() {
        if (state == EndpointState.STARTING && stop == null) {
            saidReady = true;
            check.checkNow(); // no need to wait for the next scheduled check
            admitIfReady();
        }
    }

    /**
     * The worker was told to stop by someone else (a SIGTERM from an operator, a script, a
     * container runtime) and waits for the edge: drain it, then send the stop request. Its exit is
     * not planned by the edge: the slot respawns it.
     */
    private void stoppingByItself() {
        if (stop != null || killCause != null || state == EndpointState.STOPPING || state == EndpointState.STOPPED) {
            return;
        }
        log.info("{} is stopping by itself (a signal from outside the edge): draining it before it exits", name());
        beginStop().start();
    }

    private void controlClosed() {
        if (stop != null || state == EndpointState.STOPPING || state == EndpointState.STOPPED) {
            return;
        }
        beginStop().startAfterChannelClosed();
        state = EndpointState.STOPPING;
    }

    /** This instance's stop sequence, its own timers cancelled: the sequence's steps take over. */
    private StopSequence beginStop() {
        cancelTimers();
        stop = new StopSequence(name(), process, member, context.settings(), context.loop(), context.blocking());
        return stop;
    }

    private void processExited() {
        long now = context.loop().nanoTime();
        cancelTimers();
        if (stop != null) {
            stop.exited();
        }
        check.close();
        process.control().close();
        SocketDirs.forget(context.socketDir(), recordName());
        process.killLeftovers(context.settings().killTimeout(), context.blocking());
        setState(EndpointState.STOPPED);
        member.remove();
        context.ports().release(port);
        int code = process.process().exitValue();
        ExitCause cause = planned && killCause == null ? ExitCause.stopped(code, stop == null ? null : stop.signalSent())
                : killCause != null ? killCause : ExitCause.exited(code);
        Duration upFor = upSinceNanos == NEVER_UP ? Duration.ZERO : Duration.ofNanos(now - upSinceNanos);
        finish(new Exit(process.pid(), code, cause, process.uptime(now), upFor, planned && killCause == null));
    }

    private void failedStart(ExitCause cause) {
        state = EndpointState.STOPPED;
        context.ports().release(port);
        finish(new Exit(-1, -1, cause, Duration.ZERO, Duration.ZERO, false));
    }

    private void finish(Exit exit) {
        up.completeExceptionally(new IllegalStateException(exit.cause().description()));
        exited.complete(exit);
    }

    private void setState(EndpointState next) {
        state = next;
        member.setState(next);
        context.loop().publishNow(); // before the line that reports it
    }

    private void cancelTimers() {
        readyTimer.cancel();
        unhealthyTimer.cancel();
        rampTimer.cancel();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        // The JDK says "error=2, No such file or directory": the errno's number adds nothing.
        return root.getMessage() != null ? root.getMessage().replaceFirst("^error=\\d+, ", "") : root.toString();
    }

    /** The health checker's verdicts, from its thread, onto the loop. */
    private final class Verdicts implements HealthVerdicts {
        @Override
        public void healthChanged(boolean isHealthy, String reason) {
            context.loop().execute(() -> WorkerInstance.this.healthChanged(isHealthy, reason));
        }

        @Override
        public void checked(String description) {
            lastHealth = description;
            member.setHealth(description);
        }

        @Override
        public void counted(CheckOutcome outcome) {
            member.countCheck(outcome);
        }
    }

    /** The control channel's events, from its reader thread. */
    private final class ControlEvents implements ControlSocket.Handler {
        @Override
        public void onConnected() {
            // Heartbeats are timed from here; nothing else changes until `ready`.
        }

        @Override
        public void onFrame(Frame frame) {
            switch (frame.type()) {
                case READY -> context.loop().execute(WorkerInstance.this::readySaid);
                case STOPPING -> context.loop().execute(WorkerInstance.this::stoppingByItself);
                // On its own thread: a slow application handler must not hold up the heartbeats read here.
                case MESSAGE -> message(frame.payload());
                case REPLACE -> context.loop().execute(() -> wish(ReplacementCause.ASKED, "asked by the worker: " + frame.payload()));
                case DRAIN -> context.loop().execute(() -> drainAsked(true));
                case UNDRAIN -> context.loop().execute(() -> drainAsked(false));
                case WEIGHT -> context.loop().execute(() -> weightAsked(frame.weight()));
                case HEARTBEAT -> heapUsedBytes = frame.heapUsedBytes(); // its time the socket noted
                default -> { } // the socket lets through only the frames a worker may send
            }
        }

        /**
         * Within the budget a message goes to the handler, in order; beyond it, it is dropped and
         * counted: a worker sending in a loop can neither flood the log nor grow the handler's queue.
         */
        private void message(String text) {
            if (!withinLogBudget()) {
                return;
            }
            context.messages().execute(() -> context.messageHandler().accept(id, text));
        }

        @Override
        public void onBroken(String why) {
            log.warn("worker {} broke the control protocol: {}; it is replaced (its replacement admitted first) and its"
                    + " channel is no longer read", id, why);
            context.loop().execute(() -> wish(ReplacementCause.PROTOCOL, "it broke the control protocol: " + why));
        }

        @Override
        public void onClosed() {
            context.loop().execute(WorkerInstance.this::controlClosed);
        }
    }
}
