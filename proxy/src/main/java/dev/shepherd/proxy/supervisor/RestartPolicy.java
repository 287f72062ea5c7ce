package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.RestartSettings;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The respawn rules of one worker slot: an exponential back-off that starts again after a stable
 * run, and a crash-loop budget of {@code max-restarts} within a sliding {@code window}.
 * Not thread-safe: a slot uses it from the supervisor's thread.
 */
final class RestartPolicy {
    private final RestartSettings settings;
    private final Deque<Long> restarts = new ArrayDeque<>(); // nanoTime of each respawn granted
    private Duration nextDelay;

    RestartPolicy(RestartSettings settings) {
        this.settings = settings;
        this.nextDelay = settings.initialDelay();
    }

    /**
     * Called when the slot's worker ended unasked (or could not start) after {@code uptime}.
     *
     * @return the delay before the respawn, or {@code null} when the budget is spent and the slot
     *     is FAILED
     */
    Duration afterExit(long nowNanos, Duration uptime) {
        if (uptime.compareTo(settings.minUptime()) >= 0) {
            nextDelay = settings.initialDelay();
        }
        long windowStart = nowNanos - settings.window().toNanos();
        while (!restarts.isEmpty() && restarts.peekFirst() - windowStart < 0) {
            restarts.removeFirst();
        }
        if (restarts.size() >= settings.maxRestarts()) {
            return null;
        }
        restarts.addLast(nowNanos);
        Duration delay = nextDelay;
        long grown = (long) Math.min(settings.maxDelay().toNanos(), delay.toNanos() * settings.multiplier());
        nextDelay = Duration.ofNanos(grown);
        return delay;
    }

    /** Forgets the crashes so far: an operator's restart revives a FAILED slot with a fresh budget. */
    void reset() {
        restarts.clear();
        nextDelay = settings.initialDelay();
    }

    /** Respawns granted within the window that ended at the last exit. */
    int recentRestarts() {
        return restarts.size();
    }
}
