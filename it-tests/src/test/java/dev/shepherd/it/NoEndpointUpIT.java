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
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void clientsThatArriveBeforeAnyWorkerIsUpOrWhileAllAreDrainedWaitAndAreServed() throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        AdminClient admin = new AdminClient(adminPort);
        // The first clients wait through a whole worker start, which a loaded machine may make longer than the 5 s default.
        try (JavaProcess edge = JavaProcess.shepherd(List.of("-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + listen, "-Dshepherd.admin.port=" + adminPort,
                "-Dshepherd.workers.first-port=" + FreePort.reserveRange(2), "-Dshepherd.queue-timeout=30s"))) {
            edge.awaitLine("front proxy listening on", WAIT);
            try (TrafficLoad load = TrafficLoad.newConnectionsOnly(listen, Duration.ofSeconds(120))) {
                edge.awaitLine("worker 1 (pid", WAIT);
                edge.awaitLine("worker 0 (pid", WAIT);
                int atStart = load.requests();
                load.awaitRequests(atStart + 200, WAIT);
                assertThat(admin.post("/endpoints/0/drain").statusCode()).isIn(200, 202);
                assertThat(admin.post("/endpoints/1/drain").statusCode()).isIn(200, 202);
                awaitAWaitingClient(admin);
                int whileDrained = load.requests();
                assertThat(admin.post("/endpoints/0/ready").statusCode()).isIn(200, 202);
                assertThat(admin.post("/endpoints/1/ready").statusCode()).isIn(200, 202);
                load.awaitRequests(whileDrained + 200, WAIT);
                load.stop();
                System.out.printf("clients from the moment the listener opened, and while every worker was drained:"
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

    /** Waits until the edge holds a new client for want of an eligible endpoint. */
    private static void awaitAWaitingClient(AdminClient admin) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (admin.metric("shepherd_clients_waiting") < 1) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("no client waiting within " + WAIT + " of every worker drained");
            }
            Thread.sleep(10);
        }
    }
}
