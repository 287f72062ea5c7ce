package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * worker-runtime/example, built against worker-runtime as an application is, runs as workers: it
 * serves through the edge, answers the edge's messages, and exits 0 when the edge stops it.
 */
class WorkerExampleIT {
    private static final Duration START = Duration.ofSeconds(30);

    @Test
    void theExampleWorkerServesAnswersMessagesAndStopsCleanly() throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        int firstPort = FreePort.reserveRange(2);
        List<String> options = new ArrayList<>(JavaProcess.edgeOn(listen, adminPort, 2, firstPort));
        options.addAll(JavaProcess.workersCommand(JavaProcess.java(), "-cp", System.getProperty("worker.example.classpath"),
                "example.HelloWorker"));
        try (JavaProcess edge = JavaProcess.shepherd(options)) {
            edge.awaitLine("worker 0 (pid", START);
            edge.awaitLine("worker 1 (pid", START);
            assertThat(Http.answers(listen, 4, "hello from")).containsExactlyInAnyOrder("hello from example worker 0", "hello from example worker 1");

            new AdminClient(adminPort).send("1", "ping");
            assertThat(edge.awaitLine("worker 1 message: got ping", START)).isNotNull();

            edge.signal("TERM");
            assertThat(edge.awaitExit(START)).isZero();
            assertThat(edge.lines()).filteredOn(line -> line.contains(") stopped after"))
                    .as("both workers ended by their own graceful stop").hasSize(2)
                    .allMatch(line -> line.contains("exit code 0"), "exit code 0");
        }
    }
}
