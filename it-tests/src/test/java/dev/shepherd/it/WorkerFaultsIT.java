package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Workers stopped by someone other than the edge, under traffic through the real jar. */
class WorkerFaultsIT {
    private static final Duration START = Duration.ofSeconds(30);

    @Test
    void aWorkerSigtermedFromOutsideIsDrainedBeforeItClosesAndNoRequestFails() throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        AdminClient admin = new AdminClient(adminPort);
        try (JavaProcess edge = JavaProcess.shepherd(List.of("-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + listen, "-Dshepherd.admin.port=" + adminPort,
                "-Dshepherd.workers.count=3", "-Dshepherd.workers.first-port=" + FreePort.reserveRange(3),
                "-Dshepherd.health-check.interval=500ms", "-Dshepherd.health-check.timeout=200ms",
                "-Dshepherd.health-check.fast-interval=50ms"))) {
            for (int i = 0; i < 3; i++) {
                edge.awaitLine("worker " + i + " (pid", START);
            }
            Random random = new Random(42);
            List<Long> signalled = new ArrayList<>();
            int stops = 8;
            try (TrafficLoad load = new TrafficLoad(listen, Duration.ofSeconds(60))) {
                for (int i = 0; i < stops; i++) {
                    Thread.sleep(2000);
                    // The last worker standing is not stopped: what is proved here is the drain before
                    // the close; a flock with no worker UP is the churn case of this point 3.
                    List<Long> running = List.of();
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (running.size() < 3 && System.nanoTime() < deadline) {
                        running = admin.workers().stream().filter(w -> w.path("state").asText().equals("UP"))
                                .map(w -> w.path("pid").asLong()).toList();
                        Thread.sleep(20);
                    }
                    assertThat(running).as("workers UP before stop %d", i).hasSize(3);
                    long victim = running.get(random.nextInt(running.size()));
                    ProcessHandle.of(victim).ifPresent(ProcessHandle::destroy); // SIGTERM
                    signalled.add(victim);
                }
                Thread.sleep(1000);
                load.stop();
                System.out.printf("SIGTERM to a random worker every 2 s, %d times: %d requests, %d failed %s%n",
                        stops, load.requests(), load.failures(), load.errors());
                assertThat(load.failures()).as("failed requests: %s", load.errors()).isZero();
                assertThat(load.requests()).isGreaterThan(500);
            }
            for (long pid : signalled) {
                assertThat(edge.lines()).anyMatch(line -> line.contains("(pid " + pid + ") is stopping by itself"));
            }
        }
    }
}
