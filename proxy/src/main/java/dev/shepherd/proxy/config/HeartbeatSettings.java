package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** Liveness of a worker over its control channel. */
public record HeartbeatSettings(Duration interval, Duration timeout) {
    public HeartbeatSettings {
        requireNonNull(interval, "interval");
        requireNonNull(timeout, "timeout");
    }
}
