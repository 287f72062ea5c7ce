package dev.shepherd.proxy.balancer;

import dev.shepherd.proxy.endpoint.Endpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

final class LeastConnectionsBalancer implements LoadBalancer {
    private final AtomicInteger offset = new AtomicInteger();

    @Override
    public Endpoint select(List<Endpoint> candidates, ToIntFunction<Endpoint> activeConnections) {
        int size = candidates.size();
        int start = Math.floorMod(offset.getAndIncrement(), size);
        Endpoint best = null;
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            Endpoint candidate = candidates.get((start + i) % size);
            int active = activeConnections.applyAsInt(candidate);
            if (active < fewest) {
                best = candidate;
                fewest = active;
            }
        }
        return best;
    }
}
