package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * New clients while no endpoint is UP (the faults issue's point 4): at start-up, before the first
 * worker is admitted, and while every worker is drained for a moment, clients wait in the edge's
 * queue (queue-timeout) instead of being closed.
 */
class NoEndpointUpIT {

    @Test
    void clientsThatArriveBeforeAnyWorkerIsUpOrWhileAllAreDrainedWaitAndAreServed() throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        AdminClient admin = new AdminClient(adminPort);
        try (JavaProcess edge = JavaProcess.shepherd(List.of("-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + listen, "-Dshepherd.admin.port=" + adminPort,
                "-Dshepherd.workers.first-port=" + FreePort.reserveRange(2)))) {
            edge.awaitLine("front proxy listening on", Duration.ofSeconds(30));
            try (TrafficLoad load = TrafficLoad.newConnectionsOnly(listen, Duration.ofSeconds(60))) {
                edge.awaitLine("worker 1 (pid", Duration.ofSeconds(30));
                edge.awaitLine("worker 0 (pid", Duration.ofSeconds(30));
                int atStart = load.requests();
                Thread.sleep(2000);
                assertThat(admin.post("/endpoints/0/drain").statusCode()).isIn(200, 202);
                assertThat(admin.post("/endpoints/1/drain").statusCode()).isIn(200, 202);
                Thread.sleep(1000);
                assertThat(admin.post("/endpoints/0/ready").statusCode()).isIn(200, 202);
                assertThat(admin.post("/endpoints/1/ready").statusCode()).isIn(200, 202);
                Thread.sleep(2000);
                load.stop();
                System.out.printf("clients from the moment the listener opened, and 1 s with every worker drained:"
                        + " %d requests (%d of them done when both workers were UP), %d failed %s; %.0f closed at queue-timeout%n",
                        load.requests(), atStart, load.failures(), load.errors(),
                        admin.metric("shepherd_connect_failures_total{reason=\"queue_timeout\"}"));
                assertThat(load.failures()).as("failed requests: %s", load.errors()).isZero();
                assertThat(load.requests()).isGreaterThan(300);
            }
            assertThat(edge.lines()).anyMatch(line -> line.contains("ERROR") && line.contains("no endpoint is eligible"));
            assertThat(edge.lines()).anyMatch(line -> line.contains("an endpoint is eligible again"));
        }
    }
}
