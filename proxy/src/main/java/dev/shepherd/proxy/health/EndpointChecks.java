package dev.shepherd.proxy.health;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.HealthVerdicts;

/** Starts the health checks of an endpoint for its owner: the seam the supervisor's unit tests replace. */
@FunctionalInterface
public interface EndpointChecks {
    EndpointCheck watch(Endpoint endpoint, HealthVerdicts owner);
}
