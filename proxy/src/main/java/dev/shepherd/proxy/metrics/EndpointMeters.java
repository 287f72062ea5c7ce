package dev.shepherd.proxy.metrics;

import dev.shepherd.proxy.endpoint.EndpointGroup;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Each endpoint's meters, tagged with its id, kind and port: open connections, connections made,
 * weight and whether it takes new connections. An endpoint's series appear when it joins the group
 * and go when it leaves it ({@link #refresh()}, before each scrape), so thousands of restarts leave
 * no series behind.
 */
final class EndpointMeters implements MeterBinder {
    private final EndpointGroup group;
    private final Map<EndpointGroup.Member, List<Meter>> meters = new HashMap<>();
    private MeterRegistry registry;

    EndpointMeters(EndpointGroup group) {
        this.group = group;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        refresh();
    }

    /** Registers the meters of endpoints new since the last call and removes those of endpoints gone. */
    synchronized void refresh() {
        List<EndpointGroup.Member> now = group.members();
        Set<EndpointGroup.Member> present = Set.copyOf(now);
        meters.entrySet().removeIf(entry -> {
            if (present.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().forEach(registry::remove);
            return true;
        });
        for (EndpointGroup.Member member : now) {
            meters.computeIfAbsent(member, this::register);
        }
    }

    private List<Meter> register(EndpointGroup.Member member) {
        Tags tags = Tags.of("endpoint", member.endpoint().id(), "kind", member.kind(),
                "port", Integer.toString(member.endpoint().port()));
        return List.of(
                Gauge.builder("shepherd.endpoint.connections.active", member, EndpointGroup.Member::activeConnections)
                        .description("Connections open to the endpoint").tags(tags).register(registry),
                FunctionCounter.builder("shepherd.endpoint.connections", member, EndpointGroup.Member::totalConnections)
                        .description("Connections made to the endpoint since it joined").tags(tags).register(registry),
                Gauge.builder("shepherd.endpoint.weight", member, EndpointGroup.Member::weight)
                        .description("The endpoint's share of new connections, 0..100 (slow start ramps it)")
                        .tags(tags).register(registry),
                Gauge.builder("shepherd.endpoint.eligible", member, m -> m.eligible() ? 1 : 0)
                        .description("1 while the endpoint takes new connections (UP, ready, weighted), else 0")
                        .tags(tags).register(registry));
    }

    /** For tests: the tags of the endpoints with meters now. */
    synchronized Set<String> endpointsWithMeters() {
        return meters.keySet().stream().map(m -> m.endpoint().id() + ":" + m.endpoint().port()).collect(Collectors.toSet());
    }
}
