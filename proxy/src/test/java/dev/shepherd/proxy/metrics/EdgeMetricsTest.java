package dev.shepherd.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.endpoint.CheckOutcome;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.proxy.endpoint.FailureReason;
import dev.shepherd.proxy.endpoint.StaticBackend;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EdgeMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EndpointGroup group = new EndpointGroup(new EndpointMeters(registry));

    @Test
    void eachEndpointHasItsSeriesWhileItIsInTheGroupAndNotAfter() {
        EndpointGroup.Member a = group.add(Endpoint.parse("127.0.0.1:9001"), "static");
        a.setState(EndpointState.UP);
        try (EdgeMetrics metrics = new EdgeMetrics(registry, null)) {
            EndpointGroup.Lease first = group.tryOpenConnection(a.endpoint(), 10);
            first.release();
            group.tryOpenConnection(a.endpoint(), 10);
            EndpointGroup.Member b = group.add(new Endpoint("0", "127.0.0.1", 9002), "worker");

            String text = metrics.scrape();
            assertThat(text).contains("shepherd_endpoint_connections_active{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\"} 1.0")
                    .contains("shepherd_endpoint_connections_total{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\"} 2.0")
                    .contains("shepherd_endpoint_eligible{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\"} 1.0")
                    .contains("shepherd_endpoint_eligible{endpoint=\"0\",kind=\"worker\",port=\"9002\"} 0.0")
                    .contains("shepherd_endpoint_weight{endpoint=\"0\",kind=\"worker\",port=\"9002\"} 100.0")
                    .contains("shepherd_endpoint_state{endpoint=\"0\",kind=\"worker\",port=\"9002\",state=\"STARTING\"} 1.0")
                    .contains("shepherd_endpoint_state{endpoint=\"0\",kind=\"worker\",port=\"9002\",state=\"UP\"} 0.0")
                    .contains("shepherd_endpoint_state{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\",state=\"UP\"} 1.0");
            a.setAdminState(dev.shepherd.proxy.endpoint.AdminState.DRAIN);
            assertThat(metrics.scrape())
                    .contains("shepherd_endpoint_state{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\",state=\"DRAINING\"} 1.0")
                    .contains("shepherd_endpoint_state{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\",state=\"UP\"} 0.0");

            b.remove();
            assertThat(metrics.scrape()).doesNotContain("endpoint=\"0\"").contains("endpoint=\"127.0.0.1:9001\"");
        }
    }

    @Test
    void anEndpointBackOnTheSamePortStartsItsSeriesFromZero() {
        Endpoint endpoint = new Endpoint("0", "127.0.0.1", 9002);
        EndpointGroup.Member first = group.add(endpoint, "worker");
        first.setState(EndpointState.UP);
        group.tryOpenConnection(endpoint, 10).sent(100);
        first.remove();
        EndpointGroup.Member second = group.add(endpoint, "worker");
        second.setState(EndpointState.UP);
        group.tryOpenConnection(endpoint, 10).sent(7);
        try (EdgeMetrics metrics = new EdgeMetrics(registry, null)) {
            assertThat(metrics.scrape())
                    .contains("shepherd_endpoint_bytes_sent_bytes_total{endpoint=\"0\",kind=\"worker\",port=\"9002\"} 7.0")
                    .contains("shepherd_endpoint_connections_total{endpoint=\"0\",kind=\"worker\",port=\"9002\"} 1.0");
        }
    }

    @Test
    void bytesEachWayConnectLatencyAndCheckOutcomesAreCountedPerEndpoint() {
        StaticBackend backend = new StaticBackend(group, Endpoint.parse("127.0.0.1:9001"));
        backend.healthChanged(true, "test");
        backend.counted(CheckOutcome.PASSED);
        backend.counted(CheckOutcome.PASSED);
        backend.counted(CheckOutcome.FAILED);
        EndpointGroup.Lease lease = group.tryOpenConnection(backend.endpoint(), 10);
        lease.connected(TimeUnit.MICROSECONDS.toNanos(300));
        lease.connected(TimeUnit.MILLISECONDS.toNanos(3));
        lease.sent(1000);
        lease.sent(24);
        lease.received(4096);
        lease.failed(FailureReason.CONNECT_REFUSED);
        lease.failed(FailureReason.CONNECT_REFUSED);
        lease.failed(FailureReason.EMPTY_RESPONSE);
        try (EdgeMetrics metrics = new EdgeMetrics(registry, null)) {
            String tags = "endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\"";
            assertThat(metrics.scrape())
                    .contains("shepherd_endpoint_bytes_sent_bytes_total{" + tags + "} 1024.0")
                    .contains("shepherd_endpoint_bytes_received_bytes_total{" + tags + "} 4096.0")
                    .contains("shepherd_health_checks_total{endpoint=\"127.0.0.1:9001\",kind=\"static\",outcome=\"passed\",port=\"9001\"} 2.0")
                    .contains("shepherd_health_checks_total{endpoint=\"127.0.0.1:9001\",kind=\"static\",outcome=\"failed\",port=\"9001\"} 1.0")
                    .contains("shepherd_health_checks_total{endpoint=\"127.0.0.1:9001\",kind=\"static\",outcome=\"inconclusive\",port=\"9001\"} 0.0")
                    .contains("shepherd_endpoint_connect_failures_total{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\",reason=\"connect_refused\"} 2.0")
                    .contains("shepherd_endpoint_connect_failures_total{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\",reason=\"empty_response\"} 1.0")
                    .doesNotContain("shepherd_endpoint_connect_failures_total{endpoint=\"127.0.0.1:9001\",kind=\"static\",port=\"9001\",reason=\"queue_timeout\"}")
                    .contains("shepherd_endpoint_connect_latency_seconds_count{" + tags + "} 2")
                    .contains("shepherd_endpoint_connect_latency_seconds_bucket{" + tags + ",le=\"2.5E-4\"} 0")
                    .contains("shepherd_endpoint_connect_latency_seconds_bucket{" + tags + ",le=\"5.0E-4\"} 1")
                    .contains("shepherd_endpoint_connect_latency_seconds_bucket{" + tags + ",le=\"0.005\"} 2");
        }
    }

    @Test
    void theEdgeJvmAndNettysDirectMemoryAreMetered() {
        try (EdgeMetrics metrics = new EdgeMetrics(registry, null)) {
            String text = metrics.scrape();
            assertThat(text).contains("jvm_memory_used_bytes{").contains("jvm_threads_live_threads")
                    .contains("shepherd_netty_direct_memory_bytes").contains("system_cpu_count");
        }
    }
}
