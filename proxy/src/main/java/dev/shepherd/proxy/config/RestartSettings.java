package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** When and how often a worker slot is respawned. */
public record RestartSettings(
        Duration backoffMin, Duration backoffMax, int maxRestarts, Duration window, Duration unhealthyGrace) {
    public RestartSettings {
        requireNonNull(backoffMin, "backoffMin");
        requireNonNull(backoffMax, "backoffMax");
        requireNonNull(window, "window");
        requireNonNull(unhealthyGrace, "unhealthyGrace");
    }
}
