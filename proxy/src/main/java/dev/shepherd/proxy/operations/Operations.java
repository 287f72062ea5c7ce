package dev.shepherd.proxy.operations;

import dev.shepherd.proxy.endpoint.DrainStarted;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.StaticBackend;
import dev.shepherd.proxy.supervisor.Replacement;
import dev.shepherd.proxy.supervisor.Scaled;
import dev.shepherd.proxy.supervisor.WorkerStatus;
import dev.shepherd.proxy.supervisor.WorkerSupervisor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The one way to change a running edge: drain, ready, restart, reload, scale, send, and the
 * status to read.
 * The admin API, the command line and SIGHUP all come through here. It holds no state of its own:
 * it asks the owners (the supervisor for workers, each static backend for itself). Every command
 * returns at once with a future of its outcome; a bad id fails the future with a message that
 * names it.
 */
public final class Operations {
    private final WorkerSupervisor supervisor; // null without managed workers
    private final StaticBackends backends;
    private final EndpointGroup group;
    private final Supplier<CompletableFuture<ConfigReloaded>> configReload;

    /** @param configReload re-reads the config file and applies what changed (SIGHUP, {@code POST /config/reload}) */
    public Operations(WorkerSupervisor supervisor, StaticBackends backends, EndpointGroup group,
            Supplier<CompletableFuture<ConfigReloaded>> configReload) {
        this.supervisor = supervisor;
        this.backends = backends;
        this.group = group;
        this.configReload = configReload;
    }

    /**
     * Re-reads the config file and applies what changed without dropping a connection; fails with
     * the file's one-line error, the running settings kept, when it is not valid.
     */
    public CompletableFuture<ConfigReloaded> reloadConfig() {
        return configReload.get();
    }

    /** Every worker instance and static endpoint as it is now; never blocks. */
    public List<EndpointReport> status() {
        List<EndpointReport> rows = new ArrayList<>();
        workers().forEach(w -> rows.add(EndpointReport.of(w)));
        group.status().stream().filter(s -> s.kind().equals("static")).forEach(s -> rows.add(EndpointReport.of(s)));
        return rows;
    }

    /** How many endpoints take new connections now. */
    public int eligibleEndpoints() {
        return group.eligible().size();
    }

    /** Sends {@code text} to worker {@code id} as a message; false when it has no open control channel now. */
    public CompletableFuture<Boolean> send(String id, String text) {
        if (!isWorker(id)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(supervisor == null
                    ? "no such worker: this edge runs no workers"
                    : "no such worker; the workers are " + String.join(", ", workers().map(WorkerStatus::id).distinct().toList())));
        }
        return supervisor.send(id, text);
    }

    /**
     * No new connections for endpoint {@code id} (a worker or a static endpoint); completes once
     * that holds, with the open connections' count and the future of their end.
     */
    public CompletableFuture<DrainStarted> drain(String id) {
        if (isWorker(id)) {
            return supervisor.drain(id);
        }
        return backend(id).map(backend -> CompletableFuture.completedFuture(backend.drain())).orElseGet(() -> unknownEndpoint(id));
    }

    /** Endpoint {@code id} back in rotation (while healthy). */
    public CompletableFuture<Void> ready(String id) {
        if (isWorker(id)) {
            return supervisor.ready(id);
        }
        return backend(id).map(backend -> {
            backend.ready();
            return CompletableFuture.<Void>completedFuture(null);
        }).orElseGet(() -> unknownEndpoint(id));
    }

    /** Replaces worker {@code id}: its replacement is UP before it is drained and stopped. */
    public CompletableFuture<Replacement> restart(String id) {
        if (supervisor == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no such worker: this edge runs no workers"));
        }
        return supervisor.restart(id);
    }

    /** Replaces every worker, one at a time, never lowering capacity. */
    public CompletableFuture<List<Replacement>> reload() {
        if (supervisor == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("this edge runs no workers: nothing to restart"));
        }
        return supervisor.reload();
    }

    /** Grows or shrinks the flock to {@code count} workers: up spawns, down drains and stops the highest ids. */
    public CompletableFuture<Scaled> scale(int count) {
        if (supervisor == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "this edge runs no workers (workers.count = 0 at start-up): there is nothing to scale"));
        }
        return supervisor.scale(count);
    }

    private Stream<WorkerStatus> workers() {
        return supervisor == null ? Stream.empty() : supervisor.status().stream();
    }

    private boolean isWorker(String id) {
        return workers().anyMatch(w -> w.id().equals(id));
    }

    private Optional<StaticBackend> backend(String id) {
        return backends.find(id);
    }

    private <T> CompletableFuture<T> unknownEndpoint(String id) {
        List<String> known = Stream.concat(workers().map(WorkerStatus::id).distinct(),
                backends.all().stream().map(b -> b.endpoint().id())).toList();
        return CompletableFuture.failedFuture(new IllegalArgumentException(
                "no such endpoint; the endpoints are " + String.join(", ", known)));
    }
}
