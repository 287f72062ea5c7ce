package dev.shepherd.proxy.balancer;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointLoad;
import java.util.List;

/** Picks the endpoint for a new client connection. Implementations are thread-safe. */
public interface LoadBalancer {

    /**
     * Rotation over the candidates; while their weights differ (slow start), a smooth weighted
     * round-robin as nginx's, so each gets its weight's share, spread out.
     */
    static LoadBalancer roundRobin() {
        return new RoundRobinBalancer();
    }

    /**
     * The candidate with the fewest open connections for its weight; ties are broken by
     * rotation.
     */
    static LoadBalancer leastConnections() {
        return new LeastConnectionsBalancer();
    }

    /** Picks one of {@code candidates}, which is not empty, from their {@code load} right now. */
    Endpoint select(List<Endpoint> candidates, EndpointLoad load);
}
