package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** Active per-port health checks: how, how often, and the streaks that admit and eject. */
public record HealthCheckSettings(Type type, String path, Duration interval, Duration timeout, int rise, int fall) {

    /** What one check does. */
    public enum Type { TCP, HTTP }

    public HealthCheckSettings {
        requireNonNull(type, "type");
        requireNonNull(path, "path");
        requireNonNull(interval, "interval");
        requireNonNull(timeout, "timeout");
    }
}
