package dev.shepherd.proxy.balancer;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointLoad;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exact rotation, lock-free, while every weight is the same (the usual case); a smooth weighted
 * round-robin (nginx's: each pick adds every candidate's weight to its running score, takes the
 * highest and takes the total off it) while they differ.
 */
final class RoundRobinBalancer implements LoadBalancer {
    private final AtomicInteger next = new AtomicInteger();
    private final Map<Endpoint, Long> scores = new HashMap<>(); // under this object's lock

    @Override
    public Endpoint select(List<Endpoint> candidates, EndpointLoad load) {
        if (load.uniformWeights()) {
            return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
        }
        return weighted(candidates, load);
    }

    private synchronized Endpoint weighted(List<Endpoint> candidates, EndpointLoad load) {
        Endpoint best = null;
        long bestScore = Long.MIN_VALUE;
        long total = 0;
        for (Endpoint candidate : candidates) {
            int weight = Math.max(1, load.weight(candidate));
            long score = scores.merge(candidate, (long) weight, Long::sum);
            total += weight;
            if (score > bestScore) {
                best = candidate;
                bestScore = score;
            }
        }
        scores.merge(best, -total, Long::sum);
        if (scores.size() > 2 * candidates.size() + 8) {
            scores.keySet().retainAll(new HashSet<>(candidates)); // endpoints gone since
        }
        return best;
    }
}
