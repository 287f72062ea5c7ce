package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Planned changes under traffic, through the admin API of the real jar with real demo workers: no request fails. */
class ZeroDowntimeIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Pattern WORKER = Pattern.compile("hello from worker (\\d+)");

    @TempDir
    Path dir;

    @Test
    void aRollingRestartOfThreeWorkersChangesEveryPidAndNoRequestFails() throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        AdminClient admin = new AdminClient(adminPort);
        try (JavaProcess edge = edge(listen, adminPort, 3, List.of())) {
            admin.awaitWorkersUp(3, START);
            List<Long> before = pids(admin);

            List<Long> upDuringTheRoll = new ArrayList<>();
            HttpResponse<String> reload;
            try (TrafficLoad load = new TrafficLoad(listen, Duration.ofSeconds(90))) {
                Thread.sleep(300);
                CompletableFuture<HttpResponse<String>> rolling = CompletableFuture.supplyAsync(() -> {
                    try {
                        return admin.post("/reload");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                while (!rolling.isDone()) {
                    upDuringTheRoll.add(admin.workersUp());
                    Thread.sleep(20);
                }
                reload = rolling.join();
                Thread.sleep(300);
                load.stop();
                System.out.printf("rolling restart of 3 workers: %d requests, %d failed %s; workers UP during the roll: min %d"
                        + " over %d samples%n", load.requests(), load.failures(), load.errors(),
                        upDuringTheRoll.stream().mapToLong(Long::longValue).min().orElse(-1), upDuringTheRoll.size());
                assertThat(load.failures()).as("failed requests: %s", load.errors()).isZero();
                assertThat(load.requests()).isGreaterThan(100);
            }
            assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
            assertThat(upDuringTheRoll).isNotEmpty().allMatch(up -> up >= 3);
            // The replaced instances are listed (DRAINING, STOPPING) until they have exited.
            long deadline = System.nanoTime() + START.toNanos();
            while (admin.workers().size() > 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<Long> after = pids(admin);
            assertThat(after).hasSize(3).doesNotContainAnyElementsOf(before);
            edge.awaitLine("replaces pid " + before.get(2) + ", which is drained and stopped", START);
        }
    }

    @Test
    void aReplacementThatNeverBecomesReadyAbortsAndTheOldWorkerKeepsServing() throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        AdminClient admin = new AdminClient(adminPort);
        Path broken = dir.resolve("broken");
        // Once the marker exists, a new instance sleeps instead of serving: it never becomes ready.
        String worker = "if [ -e " + broken + " ]; then exec sleep 600; fi; exec " + JavaProcess.java()
                + " -Xmx32m -cp " + JavaProcess.JAR + " dev.shepherd.worker.demo.DemoWorker";
        try (JavaProcess edge = edge(listen, adminPort, 1, List.of(
                "-Dshepherd.workers.command.0=sh", "-Dshepherd.workers.command.1=-c", "-Dshepherd.workers.command.2=" + worker,
                "-Dshepherd.workers.ready-timeout=3s"))) {
            admin.awaitWorkersUp(1, START);
            long pid = pids(admin).get(0);
            Files.createFile(broken);
            try (TrafficLoad load = new TrafficLoad(listen, Duration.ofSeconds(60))) {
                HttpResponse<String> restart = admin.post("/workers/0/restart");
                assertThat(restart.statusCode()).isEqualTo(500);
                assertThat(restart.body()).contains("did not come UP (not UP within 3000 ms, killed)")
                        .contains("pid " + pid + " keeps serving");
                // The log says why: no channel, and what the last health check saw.
                assertThat(edge.lines()).anyMatch(line -> line.contains("was not UP within 3000 ms (no control channel;"
                        + " health checks: failing: ") && line.contains("refused"));
                Thread.sleep(300);
                load.stop();
                System.out.printf("aborted replacement: %d requests, %d failed%n", load.requests(), load.failures());
                assertThat(load.failures()).as("failed requests: %s", load.errors()).isZero();
            }
            assertThat(pids(admin)).containsExactly(pid);
            assertThat(admin.workersUp()).isEqualTo(1);
            edge.awaitLine("the roll is aborted", START);
        }
    }

    @Test
    void aDrainedWorkerFinishesItsHeldConnectionTakesNoNewOneAndReadyRestoresIt() throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        AdminClient admin = new AdminClient(adminPort);
        try (JavaProcess edge = edge(listen, adminPort, 2, List.of());
                KeepAliveClient held = new KeepAliveClient(listen)) {
            admin.awaitWorkersUp(2, START);
            String drained = workerOf(held.get());

            HttpResponse<String> drain = admin.post("/endpoints/" + drained + "/drain");
            assertThat(drain.statusCode()).as("its connection is still open").isEqualTo(202);
            for (int i = 0; i < 10; i++) {
                assertThat(workerOf(Http.get(listen))).as("a new connection").isNotEqualTo(drained);
            }
            assertThat(workerOf(held.get())).as("the held connection goes on").isEqualTo(drained);
            assertThat(state(admin, drained)).isEqualTo("DRAINING");

            held.disconnect();
            edge.awaitLine("worker " + drained + " DRAINING: out of rotation by request", START);
            assertThat(activeConnectionsEventually(admin, drained, 0)).isTrue();
            assertThat(admin.post("/endpoints/" + drained + "/ready").statusCode()).isEqualTo(200);
            Set<String> answering = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                answering.add(workerOf(Http.get(listen)));
            }
            assertThat(answering).containsExactlyInAnyOrder("0", "1");
        }
    }

    @Test
    void scalingFromThreeToFiveToTwoWorkersFailsNoRequest() throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        AdminClient admin = new AdminClient(adminPort);
        try (JavaProcess edge = edge(listen, adminPort, 3, List.of("-Dshepherd.workers.first-port=" + FreePort.reserveRange(5)))) {
            admin.awaitWorkersUp(3, START);
            try (TrafficLoad load = new TrafficLoad(listen, Duration.ofSeconds(90))) {
                HttpResponse<String> up = admin.post("/scale?count=5");
                assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
                assertThat(admin.workersUp()).isEqualTo(5);
                HttpResponse<String> down = admin.post("/scale?count=2");
                assertThat(down.statusCode()).as(down.body()).isEqualTo(200);
                Thread.sleep(300);
                load.stop();
                System.out.printf("scale 3 -> 5 -> 2: %d requests, %d failed%n", load.requests(), load.failures());
                assertThat(load.failures()).as("failed requests: %s", load.errors()).isZero();
            }
            edge.awaitLine("scaled from 5 to 2 workers", START);
            assertThat(admin.workers()).extracting(w -> w.path("id").asText()).containsExactly("0", "1");
            Set<String> answering = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                answering.add(workerOf(Http.get(listen)));
            }
            assertThat(answering).containsExactlyInAnyOrder("0", "1");
        }
    }

    @Test
    void aRespawnedWorkerGetsClearlyLessThanItsShareAtFirstAndAllOfItAfterSlowStart() throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        AdminClient admin = new AdminClient(adminPort);
        try (JavaProcess edge = edge(listen, adminPort, 2, List.of("-Dshepherd.workers.slow-start=4s"))) {
            admin.awaitWorkersUp(2, START);
            assertThat(admin.workers()).allMatch(w -> w.path("weight").asInt() == 100);
            long old = pids(admin).get(0);
            ProcessHandle.of(old).orElseThrow().destroyForcibly();
            long deadline = System.nanoTime() + START.toNanos();
            while (!(state(admin, "0").equals("UP") && pids(admin).get(0) != old) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            int early = countAnswersFrom("0", listen, 60);
            edge.awaitLine("its share growing to a full one over 4000 ms", START);
            while (admin.workers().get(0).path("weight").asInt() < 100 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            int later = countAnswersFrom("0", listen, 60);
            System.out.printf("slow start: the respawned worker answered %d of 60 requests just after it was UP, %d of 60"
                    + " after the window (an equal share: 30)%n", early, later);
            assertThat(early).isLessThan(20);
            assertThat(later).isBetween(27, 33);
        }
    }

    private static int countAnswersFrom(String id, int listen, int requests) throws Exception {
        int count = 0;
        for (int i = 0; i < requests; i++) {
            if (workerOf(Http.get(listen)).equals(id)) {
                count++;
            }
        }
        return count;
    }

    private static String workerOf(String response) {
        Matcher id = WORKER.matcher(response);
        assertThat(id.find()).as("response %s", response).isTrue();
        return id.group(1);
    }

    private static String state(AdminClient admin, String id) throws Exception {
        return admin.workers().stream().filter(w -> w.path("id").asText().equals(id)).findFirst().orElseThrow()
                .path("state").asText();
    }

    private static boolean activeConnectionsEventually(AdminClient admin, String id, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (admin.workers().stream().anyMatch(w -> w.path("id").asText().equals(id)
                    && w.path("activeConnections").asInt() == expected)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static List<Long> pids(AdminClient admin) throws Exception {
        return admin.workers().stream().map(w -> w.path("pid").asLong()).toList();
    }

    /**
     * The real jar with {@code count} demo workers (or the command in {@code extra}), http checks quick in transition;
     * their 1 s timeout keeps a loaded machine's slow answer from ejecting a worker the test counts as UP.
     */
    private static JavaProcess edge(int listen, int adminPort, int count, List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + listen,
                "-Dshepherd.admin.port=" + adminPort,
                "-Dshepherd.workers.count=" + count,
                "-Dshepherd.workers.first-port=" + FreePort.reserveRange(count),
                "-Dshepherd.health-check.type=http",
                "-Dshepherd.health-check.interval=1500ms",
                "-Dshepherd.health-check.timeout=1s",
                "-Dshepherd.health-check.fast-interval=50ms"));
        args.addAll(extra);
        JavaProcess edge = JavaProcess.shepherd(args);
        edge.awaitLine("front proxy listening on 127.0.0.1:" + listen, START);
        return edge;
    }
}
