package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * When a worker slot whose process exited is respawned. An exit is a crash when the instance was
 * never UP or was UP for less than {@code minUptime}: the delay starts at {@code initialDelay} and
 * grows by {@code multiplier} up to {@code maxDelay} with each crash in a row, and
 * {@code maxRestarts} crashes in a row make the slot FAILED, tried again every {@code failedRetry}
 * (never when zero). An exit after a stable run (UP for {@code minUptime}) is respawned after
 * {@code initialDelay} and ends the streak.
 */
public record RestartSettings(
        Duration initialDelay,
        Duration maxDelay,
        double multiplier,
        Duration minUptime,
        int maxRestarts,
        Duration failedRetry) {
    public RestartSettings {
        requireNonNull(initialDelay, "initialDelay");
        requireNonNull(maxDelay, "maxDelay");
        requireNonNull(minUptime, "minUptime");
        requireNonNull(failedRetry, "failedRetry");
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be >= 1, got " + multiplier);
        }
    }
}
