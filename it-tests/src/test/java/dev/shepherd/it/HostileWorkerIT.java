package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker that misbehaves on its control channel and its output on purpose (the faults issue's point 5). */
class HostileWorkerIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final int HOSTILE_SECONDS = 5;

    @Test
    void aWorkerFloodingItsOutputAndChannelThenBreakingTheProtocolIsBoundedAndReplacedWhileTheEdgeServes(@TempDir Path dir)
            throws Exception {
        int listen = FreePort.reserve();
        String demo = "exec " + JavaProcess.java() + " -Xmx64m -cp " + JavaProcess.JAR + " dev.shepherd.worker.demo.DemoWorker";
        String hostile = "exec " + JavaProcess.java() + " -Xmx64m -cp " + JavaProcess.testClasses() + " dev.shepherd.it.HostileWorker";
        String script = "if [ \"$SHEPHERD_WORKER_ID\" = 1 ]; then " + hostile + "; else " + demo + "; fi";
        try (JavaProcess edge = JavaProcess.shepherd(List.of("-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + listen, "-Dshepherd.admin.port=" + FreePort.reserve(),
                "-Dshepherd.workers.count=2", "-Dshepherd.workers.first-port=" + FreePort.reserveRange(2),
                "-Dshepherd.workers.command.0=sh", "-Dshepherd.workers.command.1=-c", "-Dshepherd.workers.command.2=" + script,
                "-Dshepherd.workers.env.HOSTILE_DIR=" + dir, "-Dshepherd.workers.env.HOSTILE_SECONDS=" + HOSTILE_SECONDS,
                "-Dshepherd.health-check.type=tcp"))) {
            edge.awaitLine("worker 0 (pid", START);
            assertThat(edge.awaitLine("worker 1: a connection to its control socket was closed", START))
                    .as("an impostor without the instance's secret").contains("its first frame was 'ready', not hello");
            int before = edge.lines().size();
            long began = System.nanoTime();
            try (TrafficLoad load = new TrafficLoad(listen, Duration.ofSeconds(60))) {
                edge.awaitLine("worker 1 broke the control protocol", START);
                edge.awaitLine("worker 1: pid", START); // "... replaces pid ..., which is drained and stopped"
                Thread.sleep(1000);
                load.stop();
                double seconds = (System.nanoTime() - began) / 1e9;
                List<String> lines = edge.lines().subList(before, edge.lines().size());
                long fromWorker1 = lines.stream().filter(l -> l.contains("worker 1 pid ") && l.contains(" out | ")
                        || l.contains("worker 1 message")).count();
                System.out.printf("a worker flooding stdout and its channel for %d s, then 100 MB of junk: %d edge log lines"
                        + " in %.1f s (%d of its output and messages); %d requests, %d failed %s%n", HOSTILE_SECONDS,
                        lines.size(), seconds, fromWorker1, load.requests(), load.failures(), load.errors());
                assertThat(load.failures()).as("failed requests: %s", load.errors()).isZero();
                assertThat(fromWorker1).isLessThanOrEqualTo((long) (100 * (seconds + 1)));
                assertThat(lines.size()).isLessThan((int) (100 * (seconds + 1)) + 200);
                assertThat(lines).filteredOn(l -> l.contains("worker 1 broke the control protocol")).as("logged once").hasSize(1)
                        .allMatch(l -> l.contains("frame of ") && l.contains("bytes; the limit is 65536"));
                // What went over the budget is reported by whichever of its output and its messages
                // gets the next line in.
                assertThat(lines).anyMatch(l -> l.contains("messages, requests or output lines dropped")
                        || l.contains("not logged before this one: over its budget"));
            }
            assertThat(Files.exists(dir.resolve("hostile-1"))).isTrue();
        }
    }
}
