package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.WorkerSettings;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.health.HealthMonitor;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spawns {@code workers.count} worker JVMs, worker i on {@code workers.first-port + i}, and keeps
 * them running: a worker joins the rotation when it is ready and passes its health checks, leaves it the moment its
 * process exits, is respawned with back-off, and is killed and respawned when its heartbeats stop.
 * All slot state lives on one thread; control channels, process exits and timers post to it.
 */
public final class WorkerSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerSupervisor.class);

    private final WorkerSettings settings;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("shepherd-supervisor", true));
    private final ExecutorService blocking = Executors.newCachedThreadPool(new DefaultThreadFactory("shepherd-supervisor-io", true));
    private final Path socketDir;
    private final List<WorkerSlot> slots = new ArrayList<>();
    private volatile BiConsumer<String, String> messageHandler =
            (id, text) -> log.info("worker {} message: {}", id, text);

    WorkerSupervisor(WorkerSettings settings, EndpointGroup group, HealthMonitor health, ProcessStarter starter)
            throws IOException {
        this.settings = settings;
        List<String> command = WorkerCommand.resolve(settings.command());
        // Only the edge's user may open the control sockets inside.
        this.socketDir = Files.createTempDirectory("shepherd-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        SlotContext context = new SlotContext(settings, command, group, health, loop, blocking, starter, socketDir,
                (id, text) -> messageHandler.accept(id, text));
        for (int i = 0; i < settings.count(); i++) {
            slots.add(new WorkerSlot(Integer.toString(i), settings.firstPort() + i, context));
        }
        log.info("starting {} workers on 127.0.0.1:{}..{}: {}", settings.count(), settings.firstPort(),
                settings.firstPort() + settings.count() - 1, String.join(" ", command));
    }

    /** Creates the supervisor and spawns every worker; returns without waiting for them to be ready. */
    public static WorkerSupervisor start(WorkerSettings settings, EndpointGroup group, HealthMonitor health)
            throws IOException {
        WorkerSupervisor supervisor = new WorkerSupervisor(settings, group, health, ProcessStarter.system());
        supervisor.spawnAll();
        return supervisor;
    }

    void spawnAll() {
        long heartbeatCheck = Math.min(settings.heartbeat().interval().toMillis(), 1000);
        loop.execute(() -> slots.forEach(WorkerSlot::start));
        loop.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            slots.forEach(slot -> slot.checkHeartbeat(now));
        }, heartbeatCheck, heartbeatCheck, TimeUnit.MILLISECONDS);
    }

    /** Receives the workers' application messages (worker id, text), on a control channel's thread. */
    public void onMessage(BiConsumer<String, String> handler) {
        messageHandler = handler;
    }

    /** Sends {@code text} to worker {@code id}; false when it has no open control channel now. */
    public boolean send(String id, String text) {
        return slot(id).map(slot -> slot.send(text)).orElse(false);
    }

    /** Every slot as it is now, in id order. */
    public List<WorkerStatus> status() {
        return onLoop(() -> slots.stream().map(WorkerSlot::status).toList());
    }

    /**
     * Stops every worker (drain, shutdown request, {@code stop-timeout}, SIGTERM,
     * {@code kill-timeout}, SIGKILL) and waits for them.
     */
    @Override
    public void close() {
        Duration limit = settings.drainTimeout().plus(settings.stopTimeout()).plus(settings.killTimeout()).plusSeconds(5);
        try {
            List<CompletableFuture<Void>> stops = onLoop(() -> slots.stream().map(WorkerSlot::stop).toList());
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.error("workers still running {} ms after the stop began: {}", limit.toMillis(), status());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            log.error("stopping the workers failed", e);
        } finally {
            loop.shutdownNow();
            blocking.shutdownNow();
            deleteSocketDir();
        }
    }

    private Optional<WorkerSlot> slot(String id) {
        return slots.stream().filter(slot -> slot.id().equals(id)).findFirst();
    }

    /** Runs {@code task} on the supervisor's thread and waits for it (it never blocks: at most seconds). */
    private <T> T onLoop(java.util.concurrent.Callable<T> task) {
        try {
            return loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the supervisor's thread did not answer within 10 s", e);
        }
    }

    private void deleteSocketDir() {
        try (Stream<Path> paths = Files.walk(socketDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", socketDir, e.toString());
        }
    }
}
