package dev.shepherd.proxy.metrics;

import dev.shepherd.proxy.supervisor.ExitCause;
import dev.shepherd.proxy.supervisor.ProcStats;
import dev.shepherd.proxy.supervisor.ReplacementCause;
import dev.shepherd.proxy.supervisor.WorkerStatus;
import dev.shepherd.proxy.supervisor.WorkerSupervisor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Each worker slot's meters, tagged with its id: restarts by cause, and its serving process's
 * uptime, resident memory and CPU time (read from /proc) and the heap it reports. Series follow the slots: a scale-down
 * removes them. Values are taken from the supervisor's status snapshot at {@link #refresh()}.
 */
final class WorkerMeters implements MeterBinder {
    private final WorkerSupervisor supervisor;
    private final Map<String, Series> series = new HashMap<>();
    private MeterRegistry registry;

    WorkerMeters(WorkerSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        refresh();
    }

    /** Updates every slot's figures; registers new slots' meters and removes those of slots gone. */
    synchronized void refresh() {
        Map<String, WorkerStatus> serving = new HashMap<>();
        for (WorkerStatus worker : supervisor.status()) {
            serving.putIfAbsent(worker.id(), worker); // a slot's first row is its serving instance
        }
        series.entrySet().removeIf(entry -> {
            if (serving.containsKey(entry.getKey())) {
                return false;
            }
            entry.getValue().meters.forEach(registry::remove);
            return true;
        });
        serving.forEach((id, worker) -> series.computeIfAbsent(id, this::register).update(worker));
    }

    private Series register(String id) {
        Series s = new Series();
        Tags tags = Tags.of("worker", id);
        for (ExitCause.Kind kind : ExitCause.Kind.values()) {
            AtomicLong count = new AtomicLong();
            s.restarts.put(kind, count);
            s.meters.add(FunctionCounter.builder("shepherd.worker.restarts", count, AtomicLong::get)
                    .description("Respawns of the worker slot, by the cause of the exit before each")
                    .tags(tags).tag("cause", kind.tag()).register(registry));
        }
        for (ReplacementCause cause : ReplacementCause.values()) {
            if (!cause.rolling()) {
                continue; // counted as a restart
            }
            AtomicLong count = new AtomicLong();
            s.replacements.put(cause, count);
            s.meters.add(FunctionCounter.builder("shepherd.worker.replacements", count, AtomicLong::get)
                    .description("Rolling replacements of the worker the edge made by itself, by cause")
                    .tags(tags).tag("cause", cause.tag()).register(registry));
        }
        s.meters.add(Gauge.builder("shepherd.worker.uptime", s.uptimeSeconds, AtomicReference::get)
                .description("How long the worker's process has run").baseUnit("seconds").tags(tags).register(registry));
        s.meters.add(Gauge.builder("shepherd.worker.memory.resident", s.rssBytes, AtomicReference::get)
                .description("The worker process's resident memory (VmRSS)").baseUnit("bytes").tags(tags).register(registry));
        s.meters.add(Gauge.builder("shepherd.worker.heap.used", s.heapBytes, AtomicReference::get)
                .description("The heap in use the worker reports with its heartbeats (worker-runtime); NaN if it reports none")
                .baseUnit("bytes").tags(tags).register(registry));
        s.meters.add(Gauge.builder("shepherd.worker.cpu", s.cpuSeconds, AtomicReference::get)
                .description("CPU time the worker's current process has used, user plus system")
                .baseUnit("seconds").tags(tags).register(registry));
        return s;
    }

    private static final class Series {
        final List<Meter> meters = new ArrayList<>();
        final Map<ExitCause.Kind, AtomicLong> restarts = new HashMap<>();
        final Map<ReplacementCause, AtomicLong> replacements = new HashMap<>();
        final AtomicReference<Double> uptimeSeconds = new AtomicReference<>(0.0);
        final AtomicReference<Double> rssBytes = new AtomicReference<>(0.0);
        final AtomicReference<Double> cpuSeconds = new AtomicReference<>(0.0);
        final AtomicReference<Double> heapBytes = new AtomicReference<>(Double.NaN);

        void update(WorkerStatus worker) {
            restarts.forEach((kind, count) -> count.set(worker.restartsByCause().getOrDefault(kind, 0)));
            replacements.forEach((cause, count) -> count.set(worker.replacementsByCause().getOrDefault(cause, 0)));
            uptimeSeconds.set(worker.uptime().toMillis() / 1000.0);
            ProcStats stats = worker.pid().isPresent() ? ProcStats.of(worker.pid().getAsLong()).orElse(null) : null;
            rssBytes.set(stats == null ? 0.0 : stats.rssBytes());
            cpuSeconds.set(stats == null ? 0.0 : stats.cpuSeconds());
            heapBytes.set(worker.heapUsedBytes() < 0 ? Double.NaN : (double) worker.heapUsedBytes());
        }
    }
}
