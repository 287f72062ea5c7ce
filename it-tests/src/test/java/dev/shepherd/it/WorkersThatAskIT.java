package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Workers that ask, over the control channel, and the memory cap: each replacement the edge makes
 * by itself is the rolling kind (the replacement UP before the old instance drains), under load,
 * with no failed request, and counted by cause in status.
 */
class WorkersThatAskIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aWorkerThatAsksThrowsOrOutgrowsTheMemoryCapIsReplacedWithoutAFailedRequest() throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        int firstPort = FreePort.reserveRange(2);
        List<String> options = new ArrayList<>(JavaProcess.edgeOn(listen, adminPort, 2, firstPort));
        options.addAll(List.of("-Dshepherd.workers.max-memory=200MiB", "-Dshepherd.workers.drain-timeout=2s"));
        options.addAll(JavaProcess.workersCommand(JavaProcess.java(), "-Xmx512m", "-cp",
                JavaProcess.testClasses() + ":" + JavaProcess.JAR, "dev.shepherd.it.AskingWorker"));
        try (JavaProcess edge = JavaProcess.shepherd(options)) {
            edge.awaitLine("worker 0 (pid", WAIT);
            edge.awaitLine("worker 1 (pid", WAIT);
            AdminClient admin = new AdminClient(adminPort);
            admin.awaitWorkersUp(2, WAIT);
            try (TrafficLoad load = TrafficLoad.newConnectionsOnly(listen, Duration.ofSeconds(150))) {
                admin.send("0", "weight 0");
                awaitRow(admin, "0", w -> w.path("weight").asInt() == 0);
                admin.send("0", "weight 100");
                admin.send("0", "drain");
                awaitRow(admin, "0", w -> w.path("state").asText().equals("DRAINING"));
                admin.send("0", "ready");
                awaitRow(admin, "0", w -> w.path("state").asText().equals("UP") && w.path("weight").asInt() == 100);

                long asked = pid(admin, "0");
                admin.send("0", "replace");
                edge.awaitLine("worker 0: replacing it (asked): asked by the worker: told to in a test", WAIT);
                long t0 = System.nanoTime();
                JsonNode replaced = awaitRow(admin, "0", w -> w.path("pid").asLong() != asked && oneRow(admin, "0"));
                System.out.printf("asked: replaced and the old instance gone in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                assertThat(replaced.path("replacements").path("asked").asInt()).isEqualTo(1);

                long grown = pid(admin, "1");
                admin.send("1", "grow 300");
                long t1 = System.nanoTime();
                edge.awaitLine("worker 1: replacing it (memory): resident memory", WAIT);
                System.out.printf("memory: over the cap seen in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
                JsonNode capped = awaitRow(admin, "1", w -> w.path("pid").asLong() != grown && oneRow(admin, "1"));
                assertThat(capped.path("replacements").path("memory").asInt()).isEqualTo(1);

                long threw = pid(admin, "0");
                admin.send("0", "throw");
                edge.awaitLine("asked by the worker: uncaught java.lang.IllegalStateException in thread thrower", WAIT);
                long t2 = System.nanoTime();
                JsonNode after = awaitRow(admin, "0", w -> w.path("pid").asLong() != threw && oneRow(admin, "0"));
                System.out.printf("uncaught: replaced and the old instance gone in %d ms%n", (System.nanoTime() - t2) / 1_000_000);
                assertThat(after.path("replacements").path("asked").asInt()).isEqualTo(2);

                long flooder = pid(admin, "1");
                int before = edge.lines().size();
                long floodStart = System.nanoTime();
                admin.send("1", "flood");
                JsonNode flooded = awaitRow(admin, "1", w -> w.path("pid").asLong() != flooder && oneRow(admin, "1"));
                double seconds = (System.nanoTime() - floodStart) / 1e9;
                List<String> all = edge.lines();
                List<String> lines = all.subList(before, all.size());
                long fromWorker1 = lines.stream().filter(l -> l.contains("worker 1")).count();
                System.out.printf("a worker sending 80,000 requests: %d edge log lines about it in %.1f s, replaced once%n",
                        fromWorker1, seconds);
                assertThat(flooded.path("replacements").path("asked").asInt()).as("replaced once, however often it asked")
                        .isEqualTo(1);
                assertThat(fromWorker1).as("its log budget: 100 lines a second").isLessThan((long) (100 * (seconds + 1)) + 30);

                load.stop();
                System.out.printf("workers that ask: %d requests, %d failed%n", load.requests(), load.failures());
                assertThat(load.requests()).isGreaterThan(100);
                assertThat(load.failures()).as("failed requests: %s", load.errors()).isZero();
            }
            assertThat(admin.metric("shepherd_worker_replacements_total{cause=\"memory\",worker=\"1\"}")).isEqualTo(1.0);
        }
    }

    private static long pid(AdminClient admin, String id) throws Exception {
        return rows(admin, id).get(0).path("pid").asLong();
    }

    private static List<JsonNode> rows(AdminClient admin, String id) throws Exception {
        return admin.workers().stream().filter(w -> w.path("id").asText().equals(id)).toList();
    }

    private static boolean oneRow(AdminClient admin, String id) {
        try {
            return rows(admin, id).size() == 1;
        } catch (Exception e) {
            return false;
        }
    }

    /** Waits until worker {@code id}'s first row satisfies {@code wanted}; returns that row. */
    private static JsonNode awaitRow(AdminClient admin, String id, Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> rows = List.of();
        while (System.nanoTime() < deadline) {
            rows = rows(admin, id);
            if (!rows.isEmpty() && wanted.test(rows.get(0))) {
                return rows.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("worker " + id + " after " + WAIT + ": " + rows);
    }
}
