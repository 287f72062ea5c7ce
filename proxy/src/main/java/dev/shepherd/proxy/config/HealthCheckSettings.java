package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Active per-port health checks: how, how often, and the streaks that admit and eject.
 * {@code fastInterval} (HAProxy's fastinter) spaces the checks of an endpoint in transition: not
 * yet healthy, or healthy with a failure streak going. {@code errorLimit} errors in a row on the
 * proxy's own connections eject a healthy endpoint at once; 0 turns that off.
 */
public record HealthCheckSettings(
        Type type, String path, Duration interval, Duration timeout, Duration fastInterval, int rise, int fall,
        int errorLimit) {

    /** What one check does. */
    public enum Type { TCP, HTTP }

    public HealthCheckSettings {
        requireNonNull(type, "type");
        requireNonNull(path, "path");
        requireNonNull(interval, "interval");
        requireNonNull(timeout, "timeout");
        requireNonNull(fastInterval, "fastInterval");
    }
}
