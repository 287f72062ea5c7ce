package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** /metrics and /status of the real jar, read back after real traffic and a kill -9. */
class MetricsIT {
    private static final Duration START = Duration.ofSeconds(30);

    @Test
    void trafficAndARestartShowInTheMetricsAndTheStatus() throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        int firstPort = FreePort.reserveRange(2);
        AdminClient admin = new AdminClient(adminPort);
        try (JavaProcess edge = JavaProcess.shepherd(List.of("-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + listen, "-Dshepherd.admin.port=" + adminPort,
                "-Dshepherd.workers.first-port=" + firstPort))) {
            edge.awaitLine("worker 0 (pid", START);
            edge.awaitLine("worker 1 (pid", START);
            long fromWorker1 = 0;
            for (int i = 0; i < 10; i++) {
                String response = Http.get(listen);
                assertThat(response).startsWith("HTTP/1.1 200");
                if (response.contains("hello from worker 1 ")) {
                    fromWorker1 += response.length();
                }
            }
            long victim = admin.workers().get(0).path("pid").asLong();
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            long deadline = System.nanoTime() + START.toNanos();
            JsonNode worker0 = admin.workers().get(0);
            while (!(worker0.path("restarts").asInt() == 1 && worker0.path("state").asText().equals("UP"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
                worker0 = admin.workers().get(0);
            }
            assertThat(worker0.path("lastExit").asText()).isEqualTo("killed by SIGKILL (exit code 137), not sent by the edge");
            assertThat(worker0.path("pid").asLong()).isNotEqualTo(victim);
            assertThat(worker0.path("rssBytes").asLong()).isGreaterThan(10L << 20);
            assertThat(admin.workers().get(1).path("heapUsedBytes").asLong()).as("worker 1's heartbeats report its heap")
                    .isGreaterThan(1 << 20);

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + adminPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(value(metrics, "shepherd_endpoint_connections_total{endpoint=\"1\",kind=\"worker\",port=\"" + (firstPort + 1) + "\"}"))
                    .as("round-robin: half of the 10").isEqualTo(5.0);
            assertThat(value(metrics, "shepherd_endpoint_connections_total{endpoint=\"0\",kind=\"worker\",port=\"" + firstPort + "\"}"))
                    .as("the respawned worker's endpoint starts from 0").isEqualTo(0.0);
            String worker1 = "endpoint=\"1\",kind=\"worker\",port=\"" + (firstPort + 1) + "\"";
            assertThat(value(metrics, "shepherd_endpoint_bytes_sent_bytes_total{" + worker1 + "}"))
                    .as("5 requests of " + Http.REQUEST.length() + " bytes").isEqualTo(5.0 * Http.REQUEST.length());
            assertThat(value(metrics, "shepherd_endpoint_bytes_received_bytes_total{" + worker1 + "}"))
                    .as("the 5 responses the client read from worker 1").isEqualTo((double) fromWorker1);
            assertThat(value(metrics, "shepherd_endpoint_connect_latency_seconds_count{" + worker1 + "}")).isEqualTo(5.0);
            assertThat(value(metrics, "shepherd_endpoint_connect_latency_seconds_bucket{" + worker1 + ",le=\"+Inf\"}")).isEqualTo(5.0);
            assertThat(value(metrics, "shepherd_health_checks_total{endpoint=\"1\",kind=\"worker\",outcome=\"passed\",port=\""
                    + (firstPort + 1) + "\"}")).isGreaterThanOrEqualTo(1.0);
            assertThat(value(metrics, "shepherd_worker_heap_used_bytes{worker=\"1\"}")).as("reported by the demo worker")
                    .isGreaterThan(1 << 20);
            assertThat(value(metrics, "shepherd_worker_restarts_total{cause=\"signal\",worker=\"0\"}")).isEqualTo(1.0);
            assertThat(value(metrics, "shepherd_worker_restarts_total{cause=\"signal\",worker=\"1\"}")).isEqualTo(0.0);
            assertThat(value(metrics, "shepherd_worker_memory_resident_bytes{worker=\"0\"}")).isGreaterThan(10 << 20);
            assertThat(value(metrics, "shepherd_connections_active")).isEqualTo(0.0);
            assertThat(metrics).contains("jvm_memory_used_bytes{").contains("shepherd_netty_direct_memory_bytes");
        }
    }

    /** The value of the series {@code series} (name and tags as Prometheus prints them). */
    private static double value(String metrics, String series) {
        return metrics.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no series " + series + " in:\n" + metrics));
    }
}
