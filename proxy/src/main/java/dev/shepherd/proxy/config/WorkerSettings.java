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
        RestartSettings restart,
        HeartbeatSettings heartbeat) {
    public WorkerSettings {
        command = List.copyOf(requireNonNull(command, "command"));
        env = Map.copyOf(requireNonNull(env, "env"));
        requireNonNull(readyTimeout, "readyTimeout");
        requireNonNull(drainTimeout, "drainTimeout");
        requireNonNull(stopTimeout, "stopTimeout");
        requireNonNull(killTimeout, "killTimeout");
        requireNonNull(unhealthyRestartAfter, "unhealthyRestartAfter");
        requireNonNull(slowStart, "slowStart");
        requireNonNull(restart, "restart");
        requireNonNull(heartbeat, "heartbeat");
    }
}
