package dev.shepherd.proxy.balancer;

import dev.shepherd.proxy.endpoint.Endpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

final class RoundRobinBalancer implements LoadBalancer {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Endpoint select(List<Endpoint> candidates, ToIntFunction<Endpoint> activeConnections) {
        return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }
}
