package dev.shepherd.proxy.operations;

import static java.util.Objects.requireNonNull;

import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.proxy.endpoint.EndpointStatus;
import dev.shepherd.proxy.supervisor.ProcStats;
import dev.shepherd.proxy.supervisor.WorkerStatus;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One row of the edge's status: a worker instance (or a slot between instances), or a static
 * endpoint. The fields of {@code GET /status} (DESIGN.md, "Operations").
 *
 * @param id a worker's slot id, or a static endpoint's {@code host:port}
 * @param kind {@code worker} or {@code static}
 * @param weight the share of new connections, 0..100 (slow start ramps a new worker up)
 * @param pid the worker's process, {@code null} for a static endpoint or a slot with no process
 * @param restarts a worker slot's respawns since the edge started; 0 for a static endpoint
 * @param replacements a worker slot's rolling replacements the edge made by itself, by cause
 *     ({@code memory}, {@code asked}, {@code protocol}); {@code null} for a static endpoint
 * @param lastExit how a worker slot's last process ended, {@code null} if none has
 * @param uptimeMs how long the worker's process has run; 0 for a static endpoint
 * @param rssBytes the worker process's resident memory (/proc), {@code null} for a static endpoint or no process
 * @param cpuSeconds the CPU time the worker's process has used (/proc), likewise
 * @param heapUsedBytes the heap in use the worker last reported with its heartbeat (worker-runtime),
 *     {@code null} when it reports none
 */
public record EndpointReport(String id, String kind, int port, Long pid, EndpointState state, String health, int weight,
        int activeConnections, long totalConnections, int restarts, Map<String, Integer> replacements, String lastExit, long uptimeMs, Long rssBytes, Double cpuSeconds,
        Long heapUsedBytes) {
    public EndpointReport {
        requireNonNull(id, "id");
        requireNonNull(kind, "kind");
        requireNonNull(state, "state");
        requireNonNull(health, "health");
    }

    static EndpointReport of(WorkerStatus w) {
        ProcStats proc = w.pid().isPresent() ? ProcStats.of(w.pid().getAsLong()).orElse(null) : null;
        return new EndpointReport(w.id(), "worker", w.port(), w.pid().isPresent() ? w.pid().getAsLong() : null, w.state(),
                w.health(), w.weight(), w.activeConnections(), w.totalConnections(), w.restarts(),
                w.replacementsByCause().entrySet().stream().collect(Collectors.toMap(e -> e.getKey().tag(), Map.Entry::getValue,
                        (a, b) -> a, TreeMap::new)),
                w.lastExit() == null ? null : w.lastExit().description(), w.uptime().toMillis(),
                proc == null ? null : proc.rssBytes(), proc == null ? null : proc.cpuSeconds(),
                w.heapUsedBytes() < 0 ? null : w.heapUsedBytes());
    }

    static EndpointReport of(EndpointStatus s) {
        return new EndpointReport(s.endpoint().id(), s.kind(), s.endpoint().port(), null, s.state(), s.health(), s.weight(),
                s.activeConnections(), s.totalConnections(), 0, null, null, 0, null, null, null);
    }
}
