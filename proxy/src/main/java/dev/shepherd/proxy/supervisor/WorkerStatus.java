package dev.shepherd.proxy.supervisor;

import static java.util.Objects.requireNonNull;

import dev.shepherd.proxy.endpoint.EndpointState;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One worker instance as it is now, or a slot between instances (BACKOFF, FAILED, STOPPED: no
 * pid). During a replacement a slot has two rows, the serving instance's first.
 *
 * @param pid the running process's pid, empty between processes
 * @param health what the health checks last said
 * @param weight its share of new connections, 0..100 (slow start ramps it up)
 * @param restarts respawns of the slot since the edge started
 * @param restartsByCause the same, by the cause of the exit that led to each
 * @param replacementsByCause the slot's rolling replacements the edge made by itself, by cause
 * @param uptime how long the process has run, zero without one
 * @param lastExit how the slot's last process ended, {@code null} if none has
 * @param heapUsedBytes the heap in use the worker's last heartbeat reported, -1 if none did
 */
public record WorkerStatus(String id, int port, OptionalLong pid, EndpointState state, String health, int weight,
        int activeConnections, long totalConnections, int restarts, Map<ExitCause.Kind, Integer> restartsByCause,
        Map<ReplacementCause, Integer> replacementsByCause, Duration uptime, ExitCause lastExit,
        long heapUsedBytes) {
    public WorkerStatus {
        requireNonNull(id, "id");
        requireNonNull(pid, "pid");
        requireNonNull(state, "state");
        requireNonNull(health, "health");
        requireNonNull(uptime, "uptime");
        restartsByCause = Map.copyOf(requireNonNull(restartsByCause, "restartsByCause"));
        replacementsByCause = Map.copyOf(requireNonNull(replacementsByCause, "replacementsByCause"));
    }

    /** A slot with no process. */
    static WorkerStatus between(String id, int port, EndpointState state, String health, int restarts,
            Map<ExitCause.Kind, Integer> restartsByCause, Map<ReplacementCause, Integer> replacementsByCause, ExitCause lastExit) {
        return new WorkerStatus(id, port, OptionalLong.empty(), state, health, 0, 0, 0, restarts, restartsByCause,
                replacementsByCause, Duration.ZERO, lastExit, -1);
    }
}
