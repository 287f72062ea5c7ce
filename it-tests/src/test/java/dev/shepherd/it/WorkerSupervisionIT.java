package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The real jar spawning real worker JVMs: respawn, back-off, FAILED, hung workers, no orphans. */
class WorkerSupervisionIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Pattern DELAY = Pattern.compile("worker 1: respawning in (\\d+) ms");

    @Test
    void killedWorkerIsRespawnedOnTheSamePortAndRejoinsRotation() throws Exception {
        int listen = FreePort.reserve();
        int firstPort = FreePort.reserveRange(2);
        // No slow start: the respawned worker's full share is what is checked here (ZeroDowntimeIT has slow start).
        try (JavaProcess edge = edge(listen, firstPort, List.of("-Dshepherd.workers.slow-start=0s"))) {
            edge.awaitLine("worker 0 (pid", START);
            edge.awaitLine("worker 1 (pid", START);
            long old = EdgeLog.startedPid(edge.awaitLine("worker 0 started", START));

            long killed = System.nanoTime();
            ProcessHandle.of(old).orElseThrow().destroyForcibly();
            String upAgain = awaitLineAfter(edge, "worker 0 (pid", "in rotation", 2);
            long replaced = System.nanoTime();
            assertThat(edge.lines()).anyMatch(line -> line.contains("worker 0 (pid " + old + ") exited")
                    && line.contains("killed by SIGKILL (exit code 137), not sent by the edge"));
            long fresh = Long.parseLong(upAgain.replaceAll(".*worker 0 \\(pid (\\d+)\\).*", "$1"));
            assertThat(fresh).isNotEqualTo(old);
            assertThat(upAgain).contains("is UP on port " + firstPort);
            System.out.printf("kill -9 of worker 0 to its replacement in rotation: %d ms%n", (replaced - killed) / 1_000_000);

            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                bodies.add(Http.get(listen));
            }
            assertThat(bodies).anyMatch(body -> body.contains("hello from worker 0 (pid " + fresh + ", port " + firstPort + ")"));
            assertThat(bodies).anyMatch(body -> body.contains("hello from worker 1 (pid"));
        }
    }

    @Test
    void crashLoopingWorkerBacksOffThenFailsWhileTheOthersServe() throws Exception {
        int listen = FreePort.reserve();
        int firstPort = FreePort.reserveRange(2);
        String demo = "exec " + JavaProcess.java() + " -Xmx64m -cp " + JavaProcess.JAR + " dev.shepherd.worker.demo.DemoWorker";
        String script = "if [ \"$SHEPHERD_WORKER_ID\" = 1 ]; then echo 'worker 1 gives up at once' >&2; exit 3; fi; " + demo;
        try (JavaProcess edge = edge(listen, firstPort, List.of(
                "-Dshepherd.workers.command.0=sh",
                "-Dshepherd.workers.command.1=-c",
                "-Dshepherd.workers.command.2=" + script,
                "-Dshepherd.workers.restart.initial-delay=50ms",
                "-Dshepherd.workers.restart.multiplier=2",
                "-Dshepherd.workers.restart.max-delay=400ms",
                "-Dshepherd.workers.restart.max-restarts=5"))) {
            edge.awaitLine("worker 1 FAILED: 5 crashes in a row", START);

            List<Integer> delays = new ArrayList<>();
            for (String line : edge.lines()) {
                Matcher delay = DELAY.matcher(line);
                if (delay.find()) {
                    delays.add(Integer.parseInt(delay.group(1)));
                }
            }
            assertThat(delays).containsExactly(50, 100, 200, 400, 400);
            assertThat(edge.lines()).filteredOn(line -> line.contains("worker 1 (pid") && line.contains("exited after"))
                    .hasSize(6)
                    .allMatch(line -> line.endsWith(": exit code 3"));
            assertThat(edge.lines()).anyMatch(line -> line.contains("worker 1 pid ") && line.contains(" err | worker 1 gives up at once"));
            assertThat(edge.lines()).anyMatch(line -> line.contains("Last exit: exit code 3"));

            edge.awaitLine("worker 0 (pid", START);
            for (int i = 0; i < 3; i++) {
                assertThat(Http.get(listen)).contains("hello from worker 0");
            }
        }
    }

    @Test
    void edgeKilledWithSigkillLeavesNoWorkerBehind() throws Exception {
        int listen = FreePort.reserve();
        int firstPort = FreePort.reserveRange(2);
        List<ProcessHandle> workers = new ArrayList<>();
        try (JavaProcess edge = edge(listen, firstPort, List.of())) {
            edge.awaitLine("worker 0 (pid", START);
            edge.awaitLine("worker 1 (pid", START);
            for (String line : edge.lines()) {
                if (EdgeLog.STARTED.matcher(line).find()) {
                    workers.add(ProcessHandle.of(EdgeLog.startedPid(line)).orElseThrow());
                }
            }
            assertThat(workers).hasSize(2).allMatch(ProcessHandle::isAlive);
            edge.signal("KILL");
            assertThat(edge.awaitExit(Duration.ofSeconds(5))).isEqualTo(137);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (workers.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(workers).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void hungWorkerIsDumpedKilledAndReplaced() throws Exception {
        int listen = FreePort.reserve();
        int firstPort = FreePort.reserveRange(1);
        String classPath = JavaProcess.testClasses() + ":" + JavaProcess.JAR;
        try (JavaProcess edge = edge(listen, firstPort, List.of(
                "-Dshepherd.workers.count=1",
                "-Dshepherd.workers.command.0=" + JavaProcess.java(),
                "-Dshepherd.workers.command.1=-Xmx32m",
                "-Dshepherd.workers.command.2=-cp",
                "-Dshepherd.workers.command.3=" + classPath,
                "-Dshepherd.workers.command.4=" + SilentWorker.class.getName(),
                "-Dshepherd.health-check.type=tcp", // it accepts connections, and never answers them
                "-Dshepherd.workers.heartbeat.interval=200ms",
                "-Dshepherd.workers.heartbeat.timeout=1s"))) {
            long hung = EdgeLog.startedPid(edge.awaitLine("worker 0 started", START));
            edge.awaitLine("worker 0 (pid " + hung + ") is UP", START);
            edge.awaitLine("worker 0 (pid " + hung + ") sent no heartbeat for", START);
            edge.awaitLine("worker 0 (pid " + hung + ") thread dump", START);
            edge.awaitLine("at dev.shepherd.it.SilentWorker.main", START);
            String exit = edge.awaitLine("worker 0 (pid " + hung + ") exited", START);
            assertThat(exit).contains("hung: no heartbeat for").contains("killed");

            String next = awaitLineAfter(edge, "worker 0 started", "", 2);
            assertThat(EdgeLog.startedPid(next)).isNotEqualTo(hung);
        }
    }

    /** Shepherd with conf/shepherd.conf (two demo workers) on free ports, plus {@code overrides}. */
    private static JavaProcess edge(int listen, int firstPort, List<String> overrides) throws Exception {
        List<String> jvmArgs = new ArrayList<>(List.of(
                "-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + listen,
                "-Dshepherd.admin.port=" + FreePort.reserve(),
                "-Dshepherd.workers.first-port=" + firstPort));
        jvmArgs.addAll(overrides);
        JavaProcess edge = JavaProcess.shepherd(jvmArgs);
        edge.awaitLine("front proxy listening on 127.0.0.1:" + listen, START);
        return edge;
    }

    /** Waits for the {@code nth} line containing both {@code first} and {@code second}. */
    private static String awaitLineAfter(JavaProcess edge, String first, String second, int nth) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> matches = edge.lines().stream()
                    .filter(line -> line.contains(first) && line.contains(second)).toList();
            if (matches.size() >= nth) {
                return matches.get(nth - 1);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no line " + nth + " with '" + first + "' and '" + second + "'; output:\n"
                + String.join("\n", edge.lines()));
    }
}
