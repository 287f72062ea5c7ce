package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SIGTERM to the real jar: a bounded graceful stop, exit 0, no worker left. */
class GracefulShutdownIT {
    private static final Duration START = Duration.ofSeconds(30);

    @Test
    void sigtermUnderLoadExitsZeroWithinShutdownTimeoutAndLeavesNoWorker() throws Exception {
        int listen = FreePort.reserve();
        try (JavaProcess edge = JavaProcess.shepherd(List.of("-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + listen, "-Dshepherd.admin.port=" + FreePort.reserve(),
                "-Dshepherd.workers.first-port=" + FreePort.reserveRange(2), "-Dshepherd.shutdown-timeout=10s"))) {
            edge.awaitLine("worker 0 (pid", START);
            edge.awaitLine("worker 1 (pid", START);
            List<ProcessHandle> workers = workers(edge);
            try (TrafficLoad load = new TrafficLoad(listen, Duration.ofSeconds(60))) {
                Thread.sleep(500);
                long signalled = System.nanoTime();
                edge.signal("TERM");
                assertThat(edge.awaitExit(Duration.ofSeconds(15))).isZero();
                long tookMillis = (System.nanoTime() - signalled) / 1_000_000;
                load.stop();
                System.out.printf("SIGTERM under load: exit 0 after %d ms (shutdown-timeout 10000 ms); %d requests before%n",
                        tookMillis, load.requests());
                assertThat(tookMillis).isLessThan(10_000 + 2_000);
            }
            assertThat(workers).hasSize(2).noneMatch(ProcessHandle::isAlive);
            assertThat(edge.lines()).anyMatch(line -> line.contains("Edge - stopped"));
        }
    }

    @Test
    void aWorkerThatIgnoresSigtermIsKilledWhenShutdownTimeoutRunsOut() throws Exception {
        try (JavaProcess edge = withAWorkerThatIgnoresSigterm("3s")) {
            edge.awaitLine("worker 0 started", START);
            List<ProcessHandle> workers = workers(edge);
            awaitProgram(workers.get(0), "sleep");
            long signalled = System.nanoTime();
            edge.signal("TERM");
            assertThat(edge.awaitExit(Duration.ofSeconds(15))).isZero();
            long tookMillis = (System.nanoTime() - signalled) / 1_000_000;
            System.out.printf("a worker ignoring SIGTERM, shutdown-timeout 3000 ms: exit 0 after %d ms%n", tookMillis);
            assertThat(tookMillis).isBetween(3_000L, 3_000L + 3_000);
            assertThat(edge.lines()).anyMatch(line -> line.contains("still running when shutdown-timeout ran out: SIGKILL"));
            assertThat(workers).singleElement().matches(worker -> !worker.isAlive());
        }
    }

    @Test
    void aSecondStopSignalEndsTheDrainAtOnce() throws Exception {
        try (JavaProcess edge = withAWorkerThatIgnoresSigterm("60s")) {
            edge.awaitLine("worker 0 started", START);
            List<ProcessHandle> workers = workers(edge);
            awaitProgram(workers.get(0), "sleep");
            edge.signal("TERM");
            edge.awaitLine("a second Ctrl-C or SIGTERM ends the drain at once", Duration.ofSeconds(10));
            Thread.sleep(1000);
            long signalled = System.nanoTime();
            edge.signal("INT");
            assertThat(edge.awaitExit(Duration.ofSeconds(15))).isZero();
            long tookMillis = (System.nanoTime() - signalled) / 1_000_000;
            System.out.printf("a second stop signal during a 60 s shutdown-timeout: exit 0 %d ms after it%n", tookMillis);
            assertThat(tookMillis).isLessThan(5_000);
            assertThat(edge.lines()).anyMatch(line -> line.contains("a second stop signal: ending the drain now"));
            assertThat(workers).singleElement().matches(worker -> !worker.isAlive());
        }
    }

    @Test
    void aWorkerThatKnowsNothingOfShepherdDiesWithAnEdgeKilledBySigkill() throws Exception {
        try (JavaProcess edge = withAWorkerThatIgnoresSigterm("3s")) {
            edge.awaitLine("worker 0 started", START);
            List<ProcessHandle> workers = workers(edge);
            awaitProgram(workers.get(0), "sleep");
            edge.signal("KILL");
            long killed = System.nanoTime();
            ProcessHandle worker = workers.get(0);
            while (worker.isAlive() && System.nanoTime() - killed < Duration.ofSeconds(10).toNanos()) {
                Thread.sleep(10);
            }
            long tookMillis = (System.nanoTime() - killed) / 1_000_000;
            System.out.printf("kill -9 of the edge: its worker (ignoring SIGTERM, no control channel) gone %d ms later%n",
                    tookMillis);
            assertThat(worker.isAlive()).as("the worker outlived the edge").isFalse();
            assertThat(tookMillis).isLessThan(3_000);
        }
    }

    /** An edge whose one worker ignores SIGTERM and never speaks the control protocol. */
    private static JavaProcess withAWorkerThatIgnoresSigterm(String shutdownTimeout) throws Exception {
        return JavaProcess.shepherd(List.of("-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + FreePort.reserve(), "-Dshepherd.admin.port=" + FreePort.reserve(),
                "-Dshepherd.workers.count=1", "-Dshepherd.workers.first-port=" + FreePort.reserveRange(1),
                "-Dshepherd.workers.command.0=sh", "-Dshepherd.workers.command.1=-c",
                "-Dshepherd.workers.command.2=trap '' TERM; exec sleep 600",
                "-Dshepherd.workers.drain-timeout=1s", "-Dshepherd.workers.stop-timeout=30s",
                "-Dshepherd.workers.kill-timeout=30s", "-Dshepherd.shutdown-timeout=" + shutdownTimeout));
    }

    /**
     * Waits until {@code worker} runs {@code program}: setpriv has set its parent-death signal and exec'd the command,
     * and the shell before it has set its trap.
     */
    private static void awaitProgram(ProcessHandle worker, String program) throws Exception {
        Path comm = Path.of("/proc", Long.toString(worker.pid()), "comm");
        long deadline = System.nanoTime() + START.toNanos();
        String running = Files.readString(comm).strip();
        while (!running.equals(program) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            running = Files.readString(comm).strip();
        }
        assertThat(running).as("the program of worker pid %d", worker.pid()).isEqualTo(program);
    }

    private static List<ProcessHandle> workers(JavaProcess edge) {
        List<ProcessHandle> workers = new ArrayList<>();
        for (String line : edge.lines()) {
            if (EdgeLog.STARTED.matcher(line).find()) {
                workers.add(ProcessHandle.of(EdgeLog.startedPid(line)).orElseThrow());
            }
        }
        return workers;
    }
}
