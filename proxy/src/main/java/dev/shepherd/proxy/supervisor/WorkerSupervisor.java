package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.WorkerSettings;
import dev.shepherd.proxy.endpoint.DrainStarted;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.health.EndpointChecks;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spawns {@code workers.count} workers, slot i on {@code workers.first-port + i}, and keeps them
 * running (see {@link WorkerSlot}). An actor: all slot state lives on one thread; control
 * channels, process exits, timers and commands post to it. Commands return futures completed
 * there; {@link #status()} is an immutable snapshot published after every event, read without
 * blocking.
 */
public final class WorkerSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerSupervisor.class);

    private volatile WorkerSettings settings; // changed on the loop
    private final Function<Path, ProcessStarter> starters;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("shepherd-supervisor", true));
    private final ExecutorService blocking = Executors.newCachedThreadPool(new DefaultThreadFactory("shepherd-supervisor-io", true));
    private final ExecutorService messages = Executors.newSingleThreadExecutor(new DefaultThreadFactory("shepherd-worker-messages", true));
    private final SupervisorLoop loop = SupervisorLoop.on(executor, this::publish);
    private volatile Thread loopThread; // the executor's one thread
    private final Path socketDir;
    private final List<WorkerSlot> slots = new CopyOnWriteArrayList<>(); // changed on the loop only
    private SlotContext context; // changed on the loop
    private volatile List<WorkerStatus> status = List.of();
    private volatile BiConsumer<String, String> messageHandler = (id, text) -> log.info("worker {} message: {}", id, text);
    private boolean rolling; // on the loop
    private boolean scaling; // on the loop
    private final ArrayDeque<Wished> wished = new ArrayDeque<>(); // on the loop
    private int replacingAsWished; // on the loop: the edge's own replacements and unhealthy restarts under way
    private int rollingAsWished; // on the loop: of those, the rolling replacements (an operator's command waits for them)
    private boolean reconfiguring; // on the loop: a config reload's scale and roll

    /** An instance waiting its turn to be replaced. */
    private record Wished(WorkerSlot slot, WorkerInstance instance, WorkerInstance.Wish wish) {}

    /** How often each serving worker's resident memory is read against workers.max-memory. */
    static final Duration MEMORY_SAMPLE_INTERVAL = Duration.ofSeconds(2);

    WorkerSupervisor(WorkerSettings settings, EndpointGroup group, EndpointChecks checks,
            Function<Path, ProcessStarter> starters) throws IOException {
        this.settings = settings;
        this.starters = starters;
        executor.execute(() -> loopThread = Thread.currentThread());
        ProcessStarter starter = starters.apply(settings.directory());
        WorkerCommand command = WorkerCommand.of(settings.command());
        // Only the edge's user may open the control sockets inside.
        this.socketDir = SocketDirs.create();
        this.context = new SlotContext(settings, command, group, checks, loop, blocking, starter, socketDir,
                new WorkerPorts(settings.firstPort(), settings.count(), PortCheck::isFree), messages,
                (id, text) -> messageHandler.accept(id, text), this::replacementWanted);
        for (int i = 0; i < settings.count(); i++) {
            slots.add(new WorkerSlot(Integer.toString(i), settings.firstPort() + i, context));
        }
        publish();
        log.info("starting {} workers on 127.0.0.1:{}..{}: {}", settings.count(), settings.firstPort(),
                settings.firstPort() + settings.count() - 1, command);
    }

    /** Creates the supervisor; {@link #spawnAll()} starts the workers. */
    public static WorkerSupervisor create(WorkerSettings settings, EndpointGroup group, EndpointChecks checks)
            throws IOException {
        return new WorkerSupervisor(settings, group, checks, ProcessStarter::system);
    }

    /** Spawns every worker; returns without waiting for them to be ready. */
    public void spawnAll() {
        loop.execute(() -> slots.forEach(slot -> slot.start(false).exceptionally(notUp -> null)));
        checkHeartbeatsEvery(Duration.ofMillis(Math.min(settings.heartbeat().interval().toMillis(), 1000)));
        sampleMemoryEvery(MEMORY_SAMPLE_INTERVAL);
    }

    /** workers.max-memory, as the last reload left it: each serving instance's resident memory, from /proc. */
    private void sampleMemoryEvery(Duration period) {
        loop.schedule(period, () -> {
            long cap = settings.maxMemory();
            if (cap > 0) {
                slots.forEach(slot -> slot.checkMemory(cap, pid -> ProcStats.of(pid).map(ProcStats::rssBytes).orElse(-1L)));
            }
            sampleMemoryEvery(period);
        });
    }

    /**
     * The fleet's budget for the replacements the edge makes by itself (asked by a worker, over the
     * memory cap, a broken protocol, unhealthy past its grace): at most {@code workers.max-surge} at
     * a time, in the order wanted, never during a rolling restart or a scale, an instance at most
     * once in the queue. Capacity never drops for them: a serving instance's replacement is UP
     * before it drains; an unhealthy one, out of rotation already, is restarted in place.
     */
    private void replacementWanted(WorkerSlot slot, WorkerInstance instance, WorkerInstance.Wish wish) {
        Wished queued = wished.stream().filter(w -> w.instance() == instance).findFirst().orElse(null);
        if (queued != null) {
            if (!queued.wish().cause().rolling() && wish.cause().rolling()) {
                // It waited to be restarted as UNHEALTHY, and now wants replaced: the newer wish takes its place.
                List<Wished> all = new ArrayList<>(wished);
                all.set(all.indexOf(queued), new Wished(slot, instance, wish));
                wished.clear();
                wished.addAll(all);
                log.info("worker {}: {} ({}); replaced instead of restarted when its turn comes", slot.id(), wish.reason(),
                        wish.cause().tag());
            } else {
                log.info("worker {}: {} ({}); already waiting its turn to be replaced", slot.id(), wish.reason(),
                        wish.cause().tag());
            }
            return;
        }
        wished.add(new Wished(slot, instance, wish));
        if (replacingAsWished >= settings.maxSurge() || rolling || scaling || reconfiguring) {
            log.info("worker {} waits its turn to be replaced ({}): {} ahead of it", slot.id(), wish.cause().tag(),
                    wished.size() - 1 + replacingAsWished + (rolling || scaling ? 1 : 0));
        }
        nextWished();
    }

    /** A fleet-wide change waits for the one under way: refused (409) with {@code more} after what is under way. */
    private void refuseWhileBusy(String more) {
        String underWay = reconfiguring ? "a config reload's change of the workers"
                : rolling ? "a rolling restart of every worker" : scaling ? "a scale"
                : rollingAsWished > 0 ? "a replacement the edge makes by itself (asked by a worker, or over the memory cap)"
                : null;
        if (underWay != null) {
            throw new IllegalStateException(underWay + " is under way" + more);
        }
    }

    private void nextWished() {
        while (replacingAsWished < settings.maxSurge() && !rolling && !scaling && !reconfiguring && !wished.isEmpty()) {
            Wished next = wished.poll();
            boolean replacing = next.wish().cause().rolling();
            replacingAsWished++;
            rollingAsWished += replacing ? 1 : 0;
            next.slot().replaceAsWished(next.instance(), next.wish()).whenComplete((ok, failure) -> loop.execute(() -> {
                replacingAsWished--;
                rollingAsWished -= replacing ? 1 : 0;
                nextWished();
            }));
        }
    }

    private void checkHeartbeatsEvery(Duration period) {
        loop.schedule(period, () -> {
            long now = loop.nanoTime();
            slots.forEach(slot -> slot.checkHeartbeat(now));
            checkHeartbeatsEvery(period);
        });
    }

    /** Receives the workers' application messages (worker id, text), in order, on a thread of their own. */
    public void onMessage(BiConsumer<String, String> handler) {
        messageHandler = handler;
    }

    /**
     * Sends {@code text} to worker {@code id}'s serving instance: true once written, false when it
     * has no open control channel. The write is made off the loop (and off the caller's thread): a
     * worker that does not read its channel cannot hold either up.
     */
    public CompletableFuture<Boolean> send(String id, String text) {
        return onLoop(() -> {
            WorkerSlot slot = slot(id);
            return CompletableFuture.supplyAsync(() -> slot.send(text), blocking);
        });
    }

    /** Every slot as it was after the last event, in id order; a replacement under way has a row of its own. */
    public List<WorkerStatus> status() {
        return status;
    }

    /** Replaces worker {@code id} without lowering capacity (see {@link WorkerSlot#replace()}). */
    public CompletableFuture<Replacement> restart(String id) {
        return onLoop(() -> {
            refuseWhileBusy("");
            return slot(id).replace();
        });
    }

    /**
     * Replaces every worker, {@code workers.max-surge} at a time: each replacement is UP before its
     * old instance is stopped. The first replacement that does not come UP ends the roll; the
     * workers not yet replaced keep serving.
     */
    public CompletableFuture<List<Replacement>> reload() {
        return onLoop(() -> {
            refuseWhileBusy("");
            return rollNow();
        });
    }

    /** The rolling restart itself, on the loop, once nothing else is under way. */
    private CompletableFuture<List<Replacement>> rollNow() {
        rolling = true;
        return new Roll(List.copyOf(slots), settings.maxSurge()).start().handle((done, failure) -> {
            loop.execute(() -> {
                rolling = false;
                nextWished();
            });
            if (failure != null) {
                throw failure instanceof CompletionException && failure.getCause() != null
                        ? (RuntimeException) failure.getCause() : (RuntimeException) failure;
            }
            return done;
        });
    }

    /**
     * A rolling restart of {@code slots}, at most {@code surge} replacements under way at once
     * (each UP before its old instance drains, so capacity never drops). The first that fails
     * ends the roll once those under way are done; the slots not yet replaced keep serving.
     * Runs on the loop.
     */
    private final class Roll {
        private final ArrayDeque<WorkerSlot> waiting;
        private final int surge;
        private final int total;
        private final List<Replacement> done = new ArrayList<>();
        private final CompletableFuture<List<Replacement>> result = new CompletableFuture<>();
        private int underWay;
        private Throwable failure;

        Roll(List<WorkerSlot> slots, int surge) {
            this.waiting = new ArrayDeque<>(slots);
            this.surge = surge;
            this.total = slots.size();
        }

        CompletableFuture<List<Replacement>> start() {
            next();
            return result;
        }

        private void next() {
            while (underWay < surge && failure == null && !waiting.isEmpty()) {
                WorkerSlot slot = waiting.poll();
                underWay++;
                slot.replace().whenComplete((replaced, failed) -> loop.execute(() -> finished(replaced, failed)));
            }
            if (underWay == 0 && (failure != null || waiting.isEmpty())) {
                if (failure != null) {
                    result.completeExceptionally(new ReplacementFailedException("rolling restart stopped after " + done.size()
                            + " of " + total + " workers: " + rootMessage(failure), failure));
                } else {
                    done.sort(java.util.Comparator.comparing(Replacement::id, java.util.Comparator.comparingInt(Integer::parseInt)));
                    result.complete(List.copyOf(done));
                }
            }
        }

        private void finished(Replacement replaced, Throwable failed) {
            underWay--;
            if (failed != null) {
                failure = failure == null ? failed : failure;
            } else {
                done.add(replaced);
            }
            next();
        }
    }

    /**
     * A config reload's {@code workers}: instances started from now on run by {@code next}. A
     * changed {@code command}, {@code env} or {@code directory} replaces every worker the rolling
     * way; a changed {@code count} scales (down before the roll, up after it); otherwise the FAILED
     * slots are started again at once. {@code first-port} must be as started. Completes when all of
     * it is done, with what was done.
     */
    public CompletableFuture<String> reconfigure(WorkerSettings next) {
        return onLoop(() -> {
            refuseWhileBusy(": the workers keep their settings; reload again once it is done");
            WorkerSettings was = settings;
            if (next.firstPort() != was.firstPort()) {
                throw new IllegalArgumentException("workers.first-port " + was.firstPort() + " stays until the edge restarts");
            }
            boolean roll = !(next.command().equals(was.command()) && next.env().equals(was.env())
                    && Objects.equals(next.directory(), was.directory()));
            // One operation from here to the end: nothing else starts between its steps.
            reconfiguring = true;
            settings = next;
            context = context.with(next, starters.apply(next.directory()));
            slots.forEach(slot -> slot.reconfigure(context));
            int from = slots.size();
            int count = next.count();
            CompletableFuture<String> done = CompletableFuture.completedFuture("");
            if (count < from) {
                done = done.thenCompose(ignored -> onLoop(() -> scaleNow(count))).thenApply(scaled -> "scaled from " + from + " to " + count);
            }
            if (roll) {
                done = done.thenCompose(before -> onLoop(this::rollNow).thenApply(replaced -> join(before,
                        "replaced " + replaced.size() + " workers, " + settings.maxSurge() + " at a time")));
            } else {
                List<CompletableFuture<Replacement>> revived = slots.stream().filter(WorkerSlot::failed)
                        .map(WorkerSlot::replace).toList();
                if (!revived.isEmpty()) {
                    log.info("config reload: starting the {} FAILED workers again", revived.size());
                    done = done.thenApply(before -> join(before, "started " + revived.size() + " FAILED workers again"));
                }
            }
            if (count > from) {
                done = done.thenCompose(before -> onLoop(() -> scaleNow(count)).thenApply(scaled -> join(before,
                        "scaled from " + from + " to " + count)));
            }
            return done.whenComplete((ok, failure) -> loop.execute(() -> {
                reconfiguring = false;
                nextWished();
            }));
        });
    }

    private static String join(String before, String then) {
        return before.isEmpty() ? then : before + ", then " + then;
    }

    /**
     * Grows or shrinks the flock to {@code count} slots. Up: new slots (the next ids, on
     * {@code first-port + id}) start, and the future completes when they are UP. Down: the highest
     * ids are drained and stopped, then leave the status. Refused during a rolling restart.
     */
    public CompletableFuture<Scaled> scale(int count) {
        return onLoop(() -> {
            if (count < 0 || (long) settings.firstPort() + count - 1 > 65535) {
                throw new ScaleOutOfRangeException("count must be in 0.." + (65535 - settings.firstPort() + 1)
                        + " (workers listen on first-port " + settings.firstPort() + " + id)");
            }
            refuseWhileBusy("");
            return scaleNow(count);
        });
    }

    /** The scale itself, on the loop, once nothing else is under way. */
    private CompletableFuture<Scaled> scaleNow(int count) {
        int from = slots.size();
        List<CompletableFuture<?>> changes = new ArrayList<>();
        if (count > from) {
            context.ports().resize(count);
            for (int i = from; i < count; i++) {
                WorkerSlot slot = new WorkerSlot(Integer.toString(i), settings.firstPort() + i, context);
                slots.add(slot);
                changes.add(slot.start(true));
            }
        } else {
            for (WorkerSlot slot : List.copyOf(slots.subList(count, from))) {
                changes.add(slot.stop().thenRun(() -> slots.remove(slot))); // completed on the loop
            }
        }
        log.info("scaling from {} to {} workers", from, count);
        scaling = true;
        return CompletableFuture.allOf(changes.toArray(CompletableFuture[]::new)).handle((ok, failure) -> {
            loop.execute(() -> {
                scaling = false;
                nextWished();
                if (count < from) {
                    context.ports().resize(count);
                }
            });
            if (failure != null) {
                throw new ReplacementFailedException("scaling from " + from + " to " + count + ": " + rootMessage(failure), failure);
            }
            log.info("scaled from {} to {} workers", from, count);
            return new Scaled(from, count);
        });
    }

    /** No new connections for worker {@code id}; completes once that holds, with its open connections' future. */
    public CompletableFuture<DrainStarted> drain(String id) {
        return onLoop(() -> CompletableFuture.completedFuture(slot(id).drain()));
    }

    /** Worker {@code id} back in rotation (while healthy). */
    public CompletableFuture<Void> ready(String id) {
        return onLoop(() -> {
            slot(id).ready();
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * Stops every worker (drain, close-spread, shutdown request, {@code stop-timeout}, SIGTERM,
     * {@code kill-timeout}, SIGKILL) and waits for them, with {@code drain + close-spread + stop +
     * kill} and 5 s to spare.
     */
    @Override
    public void close() {
        close(settings.drainTimeout().plus(settings.closeSpread()).plus(settings.stopTimeout()).plus(settings.killTimeout())
                .plusSeconds(5));
    }

    /**
     * Stops every worker as {@link #close()} does, within {@code budget}: the workers still running
     * when it runs out get SIGKILL at once, and are waited for 2 s more.
     */
    public void close(Duration budget) {
        try {
            CompletableFuture<Void> stopped = onLoop(() -> CompletableFuture.allOf(
                    slots.stream().map(WorkerSlot::stop).toArray(CompletableFuture[]::new)));
            try {
                stopped.get(Math.max(1, budget.toMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                List<String> running = status().stream().filter(w -> w.pid().isPresent())
                        .map(w -> "worker " + w.id() + " (pid " + w.pid().getAsLong() + ", " + w.state() + ")").toList();
                log.error("shutdown: {} ms are up and {} still run: SIGKILL to each: {}", budget.toMillis(),
                        running.size(), running);
                loop.execute(() -> slots.forEach(WorkerSlot::killNow));
                stopped.get(2, TimeUnit.SECONDS);
            }
            // One more turn of the loop: the status published after it shows every worker stopped.
            onLoop(() -> CompletableFuture.completedFuture(null)).get(1, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.error("workers still running after SIGKILL: {}", status());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            log.error("stopping the workers failed", e);
        } finally {
            executor.shutdownNow();
            blocking.shutdownNow();
            messages.shutdownNow();
            deleteSocketDir();
        }
    }

    private WorkerSlot slot(String id) {
        return slots.stream().filter(slot -> slot.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "no such worker; the workers are 0.." + (slots.size() - 1)));
    }

    /** Runs {@code command} on the loop; its future, or its exception as a failed one. */
    private <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> command) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (executor.isShutdown()) {
            result.completeExceptionally(new IllegalStateException("the edge is stopping: the workers take no more commands"));
            return result;
        }
        loop.execute(() -> {
            try {
                command.get().whenComplete((value, failure) -> {
                    if (Thread.currentThread() == loopThread) {
                        // Completed inside a loop task, before its snapshot: a caller that reads
                        // the status once its command is done sees what the command did.
                        loop.publishNow();
                    }
                    if (failure != null) {
                        result.completeExceptionally(failure instanceof CompletionException
                                && failure.getCause() != null ? failure.getCause() : failure);
                    } else {
                        result.complete(value);
                    }
                });
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private void publish() {
        status = slots.stream().flatMap(slot -> slot.status().stream()).toList();
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause instanceof CompletionException) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    private void deleteSocketDir() {
        SocketDirs.delete(socketDir);
    }
}
