package dev.shepherd.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class EdgeMetricsTest {
    private final EndpointGroup group = new EndpointGroup();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void eachEndpointHasItsSeriesWhileItIsInTheGroupAndNotAfter() {
        EndpointGroup.Member a = group.add(Endpoint.parse("127.0.0.1:9001"), "static");
        a.setState(EndpointState.UP);
        try (EdgeMetrics metrics = new EdgeMetrics(registry, group, null)) {
            EndpointGroup.Lease first = group.tryOpenConnection(a.endpoint(), 10);
            first.release();
            group.tryOpenConnection(a.endpoint(), 10);
            EndpointGroup.Member b = group.add(new Endpoint("0", "127.0.0.1", 9002), "worker");

            String text = metrics.scrape();
            assertThat(text).contains("shepherd_endpoint_connections_active{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\"} 1.0")
                    .contains("shepherd_endpoint_connections_total{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\"} 2.0")
                    .contains("shepherd_endpoint_eligible{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\"} 1.0")
                    .contains("shepherd_endpoint_eligible{endpoint=\"0\",kind=\"worker\",port=\"9002\"} 0.0")
                    .contains("shepherd_endpoint_weight{endpoint=\"0\",kind=\"worker\",port=\"9002\"} 100.0");

            b.remove();
            assertThat(metrics.scrape()).doesNotContain("endpoint=\"0\"").contains("endpoint=\"127.0.0.1:9001\"");
        }
    }

    @Test
    void theEdgeJvmAndNettysDirectMemoryAreMetered() {
        try (EdgeMetrics metrics = new EdgeMetrics(registry, group, null)) {
            String text = metrics.scrape();
            assertThat(text).contains("jvm_memory_used_bytes{").contains("jvm_threads_live_threads")
                    .contains("shepherd_netty_direct_memory_bytes").contains("system_cpu_count");
        }
    }
}
