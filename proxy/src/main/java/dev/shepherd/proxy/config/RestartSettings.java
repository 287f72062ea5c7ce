package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * When a worker slot whose process exited is respawned: after {@code initialDelay}, growing by
 * {@code multiplier} up to {@code maxDelay} while the worker keeps failing, back to
 * {@code initialDelay} once a worker has run {@code minUptime}; more than {@code maxRestarts}
 * within {@code window} and the slot is FAILED.
 */
public record RestartSettings(
        Duration initialDelay,
        Duration maxDelay,
        double multiplier,
        Duration minUptime,
        int maxRestarts,
        Duration window) {
    public RestartSettings {
        requireNonNull(initialDelay, "initialDelay");
        requireNonNull(maxDelay, "maxDelay");
        requireNonNull(minUptime, "minUptime");
        requireNonNull(window, "window");
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be >= 1, got " + multiplier);
        }
    }
}
