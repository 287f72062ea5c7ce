package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.WorkerSettings;
import dev.shepherd.proxy.endpoint.DrainStarted;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.health.EndpointChecks;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private final WorkerSettings settings;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("shepherd-supervisor", true));
    private final ExecutorService blocking = Executors.newCachedThreadPool(new DefaultThreadFactory("shepherd-supervisor-io", true));
    private final ExecutorService messages = Executors.newSingleThreadExecutor(new DefaultThreadFactory("shepherd-worker-messages", true));
    private final SupervisorLoop loop = SupervisorLoop.on(executor, this::publish);
    private final Path socketDir;
    private final List<WorkerSlot> slots = new CopyOnWriteArrayList<>(); // changed on the loop only
    private final SlotContext context;
    private volatile List<WorkerStatus> status = List.of();
    private volatile BiConsumer<String, String> messageHandler = (id, text) -> log.info("worker {} message: {}", id, text);
    private boolean rolling; // on the loop
    private boolean scaling; // on the loop

    WorkerSupervisor(WorkerSettings settings, EndpointGroup group, EndpointChecks checks, ProcessStarter starter)
            throws IOException {
        this.settings = settings;
        WorkerCommand command = WorkerCommand.of(settings.command());
        // Only the edge's user may open the control sockets inside.
        this.socketDir = SocketDirs.create();
        this.context = new SlotContext(settings, command, group, checks, loop, blocking, starter, socketDir,
                new WorkerPorts(settings.firstPort(), settings.count(), PortCheck::isFree), messages,
                (id, text) -> messageHandler.accept(id, text));
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
        return new WorkerSupervisor(settings, group, checks, ProcessStarter.system(settings.directory()));
    }

    /** Spawns every worker; returns without waiting for them to be ready. */
    public void spawnAll() {
        loop.execute(() -> slots.forEach(slot -> slot.start(false).exceptionally(notUp -> null)));
        checkHeartbeatsEvery(Duration.ofMillis(Math.min(settings.heartbeat().interval().toMillis(), 1000)));
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
            if (rolling || scaling) {
                throw new IllegalStateException("a " + (rolling ? "rolling restart of every worker" : "scale") + " is under way");
            }
            return slot(id).replace();
        });
    }

    /**
     * Replaces every worker, one at a time: each replacement is UP before its old instance is
     * stopped. The first replacement that does not come UP ends the roll; the workers not yet
     * replaced keep serving.
     */
    public CompletableFuture<List<Replacement>> reload() {
        return onLoop(() -> {
            if (rolling || scaling) {
                throw new IllegalStateException(rolling ? "a rolling restart of every worker is already under way"
                        : "a scale is under way");
            }
            rolling = true;
            List<Replacement> done = new ArrayList<>();
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (WorkerSlot slot : slots) {
                chain = chain.thenCompose(ignored -> onLoop(slot::replace)).thenAccept(done::add);
            }
            return chain.handle((ok, failure) -> {
                loop.execute(() -> rolling = false);
                if (failure != null) {
                    throw new ReplacementFailedException("rolling restart stopped after " + done.size() + " of " + slots.size()
                            + " workers: " + rootMessage(failure), failure);
                }
                return List.copyOf(done);
            });
        });
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
            if (rolling || scaling) {
                throw new IllegalStateException("a " + (rolling ? "rolling restart" : "scale") + " is under way");
            }
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
     * Stops every worker (drain, shutdown request, {@code stop-timeout}, SIGTERM,
     * {@code kill-timeout}, SIGKILL) and waits for them, with {@code drain + stop + kill} timeouts
     * and 5 s to spare.
     */
    @Override
    public void close() {
        close(settings.drainTimeout().plus(settings.stopTimeout()).plus(settings.killTimeout()).plusSeconds(5));
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
