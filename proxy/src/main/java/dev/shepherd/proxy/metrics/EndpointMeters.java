package dev.shepherd.proxy.metrics;

import dev.shepherd.proxy.endpoint.CheckOutcome;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.proxy.endpoint.FailureReason;
import dev.shepherd.proxy.endpoint.MemberMeters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Each endpoint's meters, tagged with its id, kind and port: open connections, connections made,
 * failed connects and answers by reason, bytes each way, connect latency (a histogram), health checks by outcome, state, weight and whether it
 * takes new connections. They are registered as the endpoint joins the group and removed as it
 * leaves, so thousands of restarts leave no series behind and an endpoint back on the same port
 * starts from zero.
 */
public final class EndpointMeters implements MemberMeters.Factory {
    /** The connect latency histogram's buckets: loopback connects take tens of microseconds, a remote backend milliseconds. */
    static final Duration[] CONNECT_BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    /** The states an endpoint in the group can be in; BACKOFF and FAILED are a worker slot's, between endpoints. */
    private static final List<EndpointState> MEMBER_STATES = List.of(EndpointState.STARTING, EndpointState.UP,
            EndpointState.UNHEALTHY, EndpointState.DRAINING, EndpointState.STOPPING);

    private final MeterRegistry registry;

    public EndpointMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public MemberMeters joined(EndpointGroup.Member member) {
        Tags tags = Tags.of("endpoint", member.endpoint().id(), "kind", member.kind(),
                "port", Integer.toString(member.endpoint().port()));
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("shepherd.endpoint.connections.active", member, EndpointGroup.Member::activeConnections)
                .description("Connections open to the endpoint").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("shepherd.endpoint.connections", member, EndpointGroup.Member::totalConnections)
                .description("Connections made to the endpoint since it joined").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("shepherd.endpoint.bytes.sent", member, EndpointGroup.Member::bytesSent)
                .description("Bytes the proxy wrote to the endpoint (what clients sent it)").baseUnit("bytes")
                .tags(tags).register(registry));
        meters.add(FunctionCounter.builder("shepherd.endpoint.bytes.received", member, EndpointGroup.Member::bytesReceived)
                .description("Bytes the proxy read from the endpoint (what it sent clients)").baseUnit("bytes")
                .tags(tags).register(registry));
        for (FailureReason reason : FailureReason.values()) {
            if (reason.endpoints()) {
                meters.add(FunctionCounter.builder("shepherd.endpoint.connect.failures", member, m -> m.failures(reason))
                        .description("Connects to the endpoint that failed, and connections it ended or left unanswered, by reason")
                        .tags(tags).tag("reason", reason.tag()).register(registry));
            }
        }
        for (CheckOutcome outcome : CheckOutcome.values()) {
            meters.add(FunctionCounter.builder("shepherd.health.checks", member, m -> m.checks(outcome))
                    .description("Active health checks of the endpoint, by outcome (inconclusive: failed on the edge's side)")
                    .tags(tags).tag("outcome", outcome.tag()).register(registry));
        }
        meters.add(Gauge.builder("shepherd.endpoint.weight", member, EndpointGroup.Member::weight)
                .description("The endpoint's share of new connections, 0..100 (slow start ramps it)")
                .tags(tags).register(registry));
        for (EndpointState state : MEMBER_STATES) {
            meters.add(Gauge.builder("shepherd.endpoint.state", member, m -> m.shownState() == state ? 1 : 0)
                    .description("1 for the endpoint's state in the group (UP and drained: DRAINING), 0 for the others")
                    .tags(tags).tag("state", state.name()).register(registry));
        }
        meters.add(Gauge.builder("shepherd.endpoint.eligible", member, m -> m.eligible() ? 1 : 0)
                .description("1 while the endpoint takes new connections (UP, ready, weighted), else 0")
                .tags(tags).register(registry));
        Timer connects = Timer.builder("shepherd.endpoint.connect.latency")
                .description("How long the proxy's connects to the endpoint took, successful ones")
                .serviceLevelObjectives(CONNECT_BUCKETS).tags(tags).register(registry);
        meters.add(connects);
        return new MemberMeters() {
            @Override
            public void connected(long nanos) {
                connects.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void close() {
                meters.forEach(registry::remove);
            }
        };
    }
}
