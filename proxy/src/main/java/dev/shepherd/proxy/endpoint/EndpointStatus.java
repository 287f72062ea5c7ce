package dev.shepherd.proxy.endpoint;

import static java.util.Objects.requireNonNull;

/**
 * One endpoint as it is now.
 *
 * @param kind {@code worker} or {@code static}
 * @param state where it is in its life; an UP endpoint under admin state drain shows DRAINING
 * @param health what the health checks last said, e.g. {@code passing} or {@code failing (2/3): HTTP 500}
 * @param totalConnections connections made to it since it joined the group
 */
public record EndpointStatus(Endpoint endpoint, String kind, EndpointState state, AdminState admin, int weight,
        String health, int activeConnections, long totalConnections) {
    public EndpointStatus {
        requireNonNull(endpoint, "endpoint");
        requireNonNull(kind, "kind");
        requireNonNull(state, "state");
        requireNonNull(admin, "admin");
        requireNonNull(health, "health");
    }
}
