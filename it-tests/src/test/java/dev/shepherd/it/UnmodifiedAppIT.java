package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server written without Shepherd in mind runs as workers: {port} and {id} in its command and environment. */
class UnmodifiedAppIT {
    private static final Duration START = Duration.ofSeconds(30);

    @Test
    void aServerThatTakesItsPortAsAnArgumentRunsUnmodifiedAndRollsOntoASparePort(@TempDir Path dir) throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        int firstPort = FreePort.reserveRange(2);
        List<String> options = new ArrayList<>(JavaProcess.edgeOn(listen, adminPort, 2, firstPort));
        options.addAll(JavaProcess.workersCommand(JavaProcess.java(), "-cp", JavaProcess.testClasses(),
                "dev.shepherd.it.PlainHttpServer", "--port={port}"));
        options.addAll(List.of("-Dshepherd.workers.env.APP_NAME=app-{id}", "-Dshepherd.workers.directory=" + dir,
                "-Dshepherd.health-check.type=http", "-Dshepherd.health-check.path=/"));
        try (JavaProcess edge = JavaProcess.shepherd(options)) {
            edge.awaitLine("worker 0 (pid", START);
            edge.awaitLine("worker 1 (pid", START);
            assertThat(Http.answers(listen, 4, "app-")).containsExactlyInAnyOrder(
                    "app-0 on port " + firstPort + " in " + dir, "app-1 on port " + (firstPort + 1) + " in " + dir);

            AdminClient admin = new AdminClient(adminPort);
            // New connections only: a keep-alive connection to an app that knows nothing of Shepherd
            // lasts until the app closes it, at the latest when its SIGTERM comes after drain-timeout.
            try (TrafficLoad load = TrafficLoad.newConnectionsOnly(listen, Duration.ofSeconds(60))) {
                assertThat(admin.post("/workers/0/restart").statusCode()).isIn(200, 202);
                // Done when slot 0 has one row again: the replacement, UP, on a spare port.
                long deadline = System.nanoTime() + START.toNanos();
                List<com.fasterxml.jackson.databind.JsonNode> rows = List.of();
                while (System.nanoTime() < deadline) {
                    rows = admin.workers().stream().filter(w -> w.path("id").asText().equals("0")).toList();
                    if (rows.size() == 1 && rows.get(0).path("port").asInt() != firstPort
                            && rows.get(0).path("state").asText().equals("UP")) {
                        break;
                    }
                    Thread.sleep(50);
                }
                load.stop();
                assertThat(rows).hasSize(1);
                assertThat(rows.get(0).path("state").asText()).isEqualTo("UP");
                assertThat(load.failures()).as("failed requests: %s", load.errors()).isZero();
            }
            int sparePort = admin.workers().stream().filter(w -> w.path("id").asText().equals("0"))
                    .mapToInt(w -> w.path("port").asInt()).findFirst().orElseThrow();
            assertThat(sparePort).isNotEqualTo(firstPort);
            // The replacement is in its slow start (a tenth of a share at first): ask until it answers.
            Set<String> after = new HashSet<>();
            String replacement = "app-0 on port " + sparePort + " in " + dir;
            for (int i = 0; i < 200 && !after.contains(replacement); i++) {
                String response = Http.get(listen);
                after.add(response.substring(response.indexOf("app-")).strip());
                Thread.sleep(20);
            }
            assertThat(after).contains(replacement);
        }
    }
}
