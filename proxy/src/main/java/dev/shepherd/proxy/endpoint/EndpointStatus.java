package dev.shepherd.proxy.endpoint;

import static java.util.Objects.requireNonNull;

/**
 * One endpoint as it is now.
 *
 * @param health what the health checks last said, e.g. {@code passing} or {@code failing (2/3): HTTP 500}
 */
public record EndpointStatus(Endpoint endpoint, EndpointState state, String health, int activeConnections) {
    public EndpointStatus {
        requireNonNull(endpoint, "endpoint");
        requireNonNull(state, "state");
        requireNonNull(health, "health");
    }
}
