package dev.shepherd.proxy.endpoint;

/**
 * Where an endpoint is in its life (see DESIGN.md, "Lifecycle of a worker"). Only {@link #UP}
 * endpoints are eligible for new connections.
 */
public enum EndpointState {
    /** Spawned, not yet ready. */
    STARTING,
    /** Ready; in rotation. */
    UP,
    /** Running but failing its health checks; out of rotation. */
    UNHEALTHY,
    /** Out of rotation, its open connections finishing. */
    DRAINING,
    /** Asked to stop; waiting for its process to exit. */
    STOPPING,
    /** Its process exited; waiting out the back-off delay before a respawn (supervisord's BACKOFF). */
    BACKOFF,
    /** Stopped by Shepherd; not respawned. */
    STOPPED,
    /** Restarted too often within the window; not respawned. */
    FAILED
}
