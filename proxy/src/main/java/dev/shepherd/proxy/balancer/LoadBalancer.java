package dev.shepherd.proxy.balancer;

import dev.shepherd.proxy.endpoint.Endpoint;
import java.util.List;
import java.util.function.ToIntFunction;

/** Picks the endpoint for a new client connection. Implementations are thread-safe. */
public interface LoadBalancer {

    /** Exact rotation over the candidates. */
    static LoadBalancer roundRobin() {
        return new RoundRobinBalancer();
    }

    /** The candidate with the fewest open connections; ties are broken by rotation. */
    static LoadBalancer leastConnections() {
        return new LeastConnectionsBalancer();
    }

    /**
     * Picks one of {@code candidates}, which is not empty.
     *
     * @param activeConnections the open connections of an endpoint right now
     */
    Endpoint select(List<Endpoint> candidates, ToIntFunction<Endpoint> activeConnections);
}
