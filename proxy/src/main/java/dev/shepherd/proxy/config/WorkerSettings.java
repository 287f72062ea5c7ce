package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The worker JVMs Shepherd spawns; {@code count == 0} means none, an empty command the demo worker.
 * {@code command} and {@code env} values may hold {@link Placeholders}.
 *
 * @param directory the workers' working directory, {@code null} for the edge's own
 * @param maxMemory resident memory in bytes above which a worker is replaced; 0 is off
 * @param maxSurge replacements under way at once in a rolling restart (and of the edge's own)
 */
public record WorkerSettings(
        int count,
        List<String> command,
        int firstPort,
        Map<String, String> env,
        Path directory,
        Duration readyTimeout,
        Duration drainTimeout,
        Duration stopTimeout,
        Duration killTimeout,
        Duration unhealthyRestartAfter,
        Duration slowStart,
        long maxMemory,
        RestartSettings restart,
        HeartbeatSettings heartbeat,
        WorkerProtocol protocol,
        int maxSurge,
        Duration closeSpread) {
    public WorkerSettings {
        command = List.copyOf(requireNonNull(command, "command"));
        env = Map.copyOf(requireNonNull(env, "env"));
        requireNonNull(readyTimeout, "readyTimeout");
        requireNonNull(drainTimeout, "drainTimeout");
        requireNonNull(stopTimeout, "stopTimeout");
        requireNonNull(killTimeout, "killTimeout");
        requireNonNull(unhealthyRestartAfter, "unhealthyRestartAfter");
        requireNonNull(slowStart, "slowStart");
        requireNonNull(closeSpread, "closeSpread");
        if (maxMemory < 0) {
            throw new IllegalArgumentException("maxMemory must be >= 0, got " + maxMemory);
        }
        requireNonNull(restart, "restart");
        requireNonNull(heartbeat, "heartbeat");
        requireNonNull(protocol, "protocol");
        if (maxSurge < 1) {
            throw new IllegalArgumentException("maxSurge must be >= 1, got " + maxSurge);
        }
    }
}
