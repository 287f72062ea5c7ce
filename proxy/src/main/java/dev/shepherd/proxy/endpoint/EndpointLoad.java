package dev.shepherd.proxy.endpoint;

/** What a load balancer reads of the candidates: their open connections and weights, right now. */
public interface EndpointLoad {
    int activeConnections(Endpoint endpoint);

    /** The endpoint's share of new connections, 1..{@link EndpointGroup.Member#FULL_WEIGHT} while eligible. */
    int weight(Endpoint endpoint);

    /** Whether every eligible endpoint has the same weight (no slow start under way): weights can be ignored. */
    boolean uniformWeights();
}
