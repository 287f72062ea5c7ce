package dev.shepherd.proxy.supervisor;

import dev.shepherd.proxy.config.RestartSettings;
import java.time.Duration;

/**
 * The respawn rules of one worker slot. An exit is a crash when its instance was never UP or was UP
 * for less than {@code min-uptime}: the delay grows with each crash in a row, and
 * {@code max-restarts} of them in a row make the slot FAILED. An exit after a stable run ends the
 * streak and is respawned after {@code initial-delay}: a worker killed while serving proved that it
 * starts, and the flock's capacity comes first. Not thread-safe: a slot uses it from the
 * supervisor's thread.
 */
final class RestartPolicy {
    private final RestartSettings settings;
    private int crashesInRow;
    private Duration nextDelay;

    RestartPolicy(RestartSettings settings) {
        this.settings = settings;
        this.nextDelay = settings.initialDelay();
    }

    /**
     * Called when the slot's worker ended unasked (or could not start).
     *
     * @param upFor how long the instance had been UP, zero if it never was
     * @return the delay before the respawn, or {@code null} when the slot is FAILED
     */
    Duration afterExit(Duration upFor) {
        if (upFor.compareTo(settings.minUptime()) >= 0) {
            crashesInRow = 0;
            nextDelay = settings.initialDelay();
            return nextDelay;
        }
        if (crashesInRow >= settings.maxRestarts()) {
            return null;
        }
        crashesInRow++;
        Duration delay = nextDelay;
        long grown = (long) Math.min(settings.maxDelay().toNanos(), delay.toNanos() * settings.multiplier());
        nextDelay = Duration.ofNanos(grown);
        return delay;
    }

    /** Forgets the crashes so far: an operator's restart revives a FAILED slot with a fresh budget. */
    void reset() {
        crashesInRow = 0;
        nextDelay = settings.initialDelay();
    }

    /** Crashes in a row, up to the last exit. */
    int crashesInRow() {
        return crashesInRow;
    }
}
