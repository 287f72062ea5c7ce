package dev.shepherd.proxy.supervisor;

import static java.util.Objects.requireNonNull;

import dev.shepherd.proxy.endpoint.EndpointState;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * A worker slot as it is now.
 *
 * @param pid the running process's pid, empty between processes
 * @param restarts respawns since the edge started
 * @param uptime how long the current process has run, zero without one
 * @param lastExit how the last process ended, {@code null} if none has
 */
public record WorkerStatus(
        String id, int port, OptionalLong pid, EndpointState state, int restarts, Duration uptime, ExitCause lastExit) {
    public WorkerStatus {
        requireNonNull(id, "id");
        requireNonNull(pid, "pid");
        requireNonNull(state, "state");
        requireNonNull(uptime, "uptime");
    }
}
