package dev.shepherd.proxy.frontend;

import dev.shepherd.proxy.endpoint.FailureReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The front proxy's meters: open client connections, bytes held in the proxy, connect failures, replays. */
public final class FrontendMetrics implements MeterBinder {
    private final AtomicInteger activeClients = new AtomicInteger();
    private final LongAdder bufferedBytes = new LongAdder();
    private final Map<FailureReason, Counter> failures = new EnumMap<>(FailureReason.class);
    private final LongAdder replays = new LongAdder();
    private final Map<ClientLimit, Counter> limited = new EnumMap<>(ClientLimit.class);

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("shepherd.connections.active", activeClients, AtomicInteger::get)
                .description("Client connections open through the front proxy")
                .register(registry);
        Gauge.builder("shepherd.bytes.buffered", bufferedBytes, LongAdder::sum)
                .description("Bytes read from one side and not yet written to the other")
                .baseUnit("bytes")
                .register(registry);
        FunctionCounter.builder("shepherd.replays", replays, LongAdder::sum)
                .description("Client connections sent again to another endpoint after one closed them unanswered (retry-on empty-response)")
                .register(registry);
        for (ClientLimit limit : ClientLimit.values()) {
            limited.put(limit, Counter.builder("shepherd.connections.limited")
                    .description("Client connections closed by a limit of their own (max-connections-per-source, max-connection-duration)")
                    .tag("limit", limit.tag())
                    .register(registry));
        }
        for (FailureReason reason : FailureReason.values()) {
            failures.put(reason, Counter.builder("shepherd.connect.failures")
                    .description("Failed connect attempts to endpoints, and clients turned away, by reason")
                    .tag("reason", reason.tag())
                    .register(registry));
        }
    }

    void clientOpened() {
        activeClients.incrementAndGet();
    }

    void clientClosed() {
        activeClients.decrementAndGet();
    }

    int activeClients() {
        return activeClients.get();
    }

    void buffered(long delta) {
        bufferedBytes.add(delta);
    }

    /** Bytes read from one side of a pair and not yet written to the other, over all pairs. */
    public long bufferedBytes() {
        return bufferedBytes.sum();
    }

    void limited(ClientLimit limit) {
        Counter counter = limited.get(limit);
        if (counter != null) {
            counter.increment();
        }
    }

    void replayed() {
        replays.increment();
    }

    void failed(FailureReason reason) {
        Counter counter = failures.get(reason);
        if (counter != null) {
            counter.increment();
        }
    }
}
