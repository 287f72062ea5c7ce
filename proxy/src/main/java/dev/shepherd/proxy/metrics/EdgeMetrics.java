package dev.shepherd.proxy.metrics;

import dev.shepherd.proxy.supervisor.WorkerSupervisor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;

/**
 * The edge's meters in one Prometheus registry: the front proxy's (bound by the front proxy), each
 * endpoint's (registered by the endpoint group, {@link EndpointMeters}), each worker's, the edge
 * JVM's own (memory, GC, threads, classes, CPU) and Netty's direct memory. {@link #scrape()} brings
 * the per-worker series up to date first.
 */
public final class EdgeMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final WorkerMeters workers; // null without managed workers
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** @param supervisor {@code null} when the edge runs no workers */
    public EdgeMetrics(PrometheusMeterRegistry registry, WorkerSupervisor supervisor) {
        this.registry = registry;
        this.workers = supervisor == null ? null : new WorkerMeters(supervisor);
        if (workers != null) {
            workers.bindTo(registry);
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("shepherd.netty.direct.memory", EdgeMetrics::nettyDirectMemory)
                .description("Direct memory Netty's allocator holds (the relay's read buffers)")
                .baseUnit("bytes").register(registry);
    }

    /** The Prometheus text of every meter, the per-worker ones brought up to date. */
    public String scrape() {
        if (workers != null) {
            workers.refresh();
        }
        return registry.scrape();
    }

    private static double nettyDirectMemory() {
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            return provider.metric().usedDirectMemory();
        }
        return PlatformDependent.usedDirectMemory();
    }

    @Override
    public void close() {
        gc.close();
    }
}
