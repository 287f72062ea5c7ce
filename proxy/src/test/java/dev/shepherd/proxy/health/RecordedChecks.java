package dev.shepherd.proxy.health;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.HealthVerdicts;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Health checks that never probe: a test gives the verdicts to the owners it recorded, and sees which checks were stopped. */
public final class RecordedChecks implements EndpointChecks {
    private final Map<Endpoint, HealthVerdicts> owners = new ConcurrentHashMap<>();
    private final Set<Endpoint> closed = ConcurrentHashMap.newKeySet();

    @Override
    public EndpointCheck watch(Endpoint endpoint, HealthVerdicts owner) {
        owners.put(endpoint, owner);
        closed.remove(endpoint);
        return new EndpointCheck() {
            @Override
            public void checkNow() {}

            @Override
            public void close() {
                closed.add(endpoint);
            }
        };
    }

    /** The checks of {@code endpoint} pass their rise streak. */
    public void pass(Endpoint endpoint) {
        owners.get(endpoint).healthChanged(true, "2 health checks passed");
    }

    /** Whether the checks of {@code endpoint} were stopped. */
    public boolean stopped(Endpoint endpoint) {
        return closed.contains(endpoint);
    }
}
