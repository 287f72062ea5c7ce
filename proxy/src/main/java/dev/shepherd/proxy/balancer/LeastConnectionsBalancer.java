package dev.shepherd.proxy.balancer;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointLoad;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The fewest open connections per unit of weight; the scan starts one further each time, so ties rotate. */
final class LeastConnectionsBalancer implements LoadBalancer {
    private final AtomicInteger offset = new AtomicInteger();

    @Override
    public Endpoint select(List<Endpoint> candidates, EndpointLoad load) {
        boolean uniform = load.uniformWeights();
        int size = candidates.size();
        int start = Math.floorMod(offset.getAndIncrement(), size);
        Endpoint best = null;
        long bestActive = Long.MAX_VALUE;
        long bestWeight = 1;
        for (int i = 0; i < size; i++) {
            Endpoint candidate = candidates.get((start + i) % size);
            long active = load.activeConnections(candidate);
            long weight = uniform ? 1 : Math.max(1, load.weight(candidate));
            // active / weight < bestActive / bestWeight, without division
            if (best == null || active * bestWeight < bestActive * weight) {
                best = candidate;
                bestActive = active;
                bestWeight = weight;
            }
        }
        return best;
    }
}
