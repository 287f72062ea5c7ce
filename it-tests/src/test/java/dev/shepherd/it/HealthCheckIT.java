package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health checks and endpoint states with real worker JVMs behind the real jar. */
class HealthCheckIT {
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aWorkerWhoseHealthFailsLeavesRotationWithinFallTimesIntervalAndComesBackAfterRise() throws Exception {
        int listen = FreePort.reserve();
        try (JavaProcess edge = flakyWorkers(listen, 2, "60s")) {
            long broken = EdgeLog.startedPid(edge.awaitLine("worker 0 started", START));
            edge.awaitLine("worker 0 (pid " + broken + ") is UP", START);
            edge.awaitLine("worker 1 (pid", START);
            assertThat(workersAnswering(listen, 4)).containsExactlyInAnyOrder("0", "1");

            long failing = System.nanoTime();
            Files.createFile(dir.resolve("fail-0"));
            String down = edge.awaitLine("worker 0 (pid " + broken + ") UP -> UNHEALTHY", START);
            long ejectedMillis = (System.nanoTime() - failing) / 1_000_000;
            System.out.printf("health failing to out of rotation: %d ms (fall 2: the next check within interval 1200 ms, the"
                    + " second a fast-interval of 50 ms later)%n", ejectedMillis);
            assertThat(down).contains("2 health checks failed, the last: HTTP 500");
            // An interval and a fast-interval (+10 % jitter) are 1375 ms; the rest is what a loaded machine may add.
            assertThat(ejectedMillis).isLessThan(5_000);
            assertThat(workersAnswering(listen, 4)).containsOnly("1");

            Files.delete(dir.resolve("fail-0"));
            assertThat(edge.awaitLine("worker 0 (pid " + broken + ") UNHEALTHY -> UP", START)).contains("2 health checks passed");
            assertThat(workersAnswering(listen, 4)).containsExactlyInAnyOrder("0", "1");
        }
    }

    @Test
    void aWorkerUnhealthyPastTheGraceIsRestarted() throws Exception {
        int listen = FreePort.reserve();
        try (JavaProcess edge = flakyWorkers(listen, 1, "1s")) {
            long first = EdgeLog.startedPid(edge.awaitLine("worker 0 started", START));
            edge.awaitLine("worker 0 (pid " + first + ") is UP", START);
            Files.createFile(dir.resolve("fail-0"));
            edge.awaitLine("worker 0 (pid " + first + ") UP -> UNHEALTHY", START);
            edge.awaitLine("worker 0 (pid " + first + ") has been UNHEALTHY for 1000 ms: restarting it", START);
            assertThat(edge.awaitLine("worker 0 (pid " + first + ") exited", START)).endsWith(": unhealthy for 1000 ms, restarted");

            Files.delete(dir.resolve("fail-0"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String up = edge.awaitLine("is UP on port", START);
            while (up.contains("pid " + first + ")") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                up = edge.lines().stream().filter(line -> line.contains("is UP on port")).reduce((x, y) -> y).orElseThrow();
            }
            assertThat(up).doesNotContain("pid " + first + ")");
        }
    }

    @Test
    void afterKillMinus9NoConnectionGoesToTheDeadWorkerOnceItsExitIsSeen() throws Exception {
        int listen = FreePort.reserve();
        int firstPort = FreePort.reserveRange(2);
        try (JavaProcess edge = JavaProcess.shepherd(List.of(
                "-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + listen,
                "-Dshepherd.admin.port=" + FreePort.reserve(),
                "-Dshepherd.workers.first-port=" + firstPort))) {
            long victim = EdgeLog.startedPid(edge.awaitLine("worker 0 started", START));
            edge.awaitLine("worker 0 (pid " + victim + ") is UP", START);
            edge.awaitLine("worker 1 (pid", START);

            List<Response> responses = new ArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread client = new Thread(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                for (int i = 0; i < 20_000 && running.get() && System.nanoTime() < deadline; i++) {
                    long began = System.nanoTime();
                    String body;
                    try {
                        body = Http.get(listen);
                    } catch (IOException e) {
                        body = null;
                    }
                    synchronized (responses) {
                        responses.add(new Response(began, body));
                    }
                }
            }, "connection-per-request");
            client.start();
            Thread.sleep(500);

            long killedAtMillis = System.currentTimeMillis();
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            String exited = edge.awaitLine("worker 0 (pid " + victim + ") exited", START);
            long exitSeen = System.nanoTime();
            Thread.sleep(1000);
            running.set(false);
            client.join(30_000);

            long removalMillis = OffsetDateTime.parse(exited.substring(0, exited.indexOf(' ')),
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli() - killedAtMillis;
            List<Response> all;
            synchronized (responses) {
                all = List.copyOf(responses);
            }
            long failures = all.stream().filter(r -> r.body() == null || !r.body().startsWith("HTTP/1.1 200")).count();
            List<Response> afterExitSeen = all.stream().filter(r -> r.began() > exitSeen).toList();
            System.out.printf("kill -9 under a connection-per-request loop: %d requests, %d failed, %d after the exit was"
                    + " seen; kill to the exit logged (removal from rotation): %d ms%n",
                    all.size(), failures, afterExitSeen.size(), removalMillis);

            assertThat(afterExitSeen).isNotEmpty()
                    .noneMatch(r -> r.body() != null && r.body().contains("(pid " + victim + ","));
            assertThat(all).anyMatch(r -> r.body() != null && r.body().contains("(pid " + victim + ","));
            // The request the victim was serving when it died may fail; the proxy retries refused connects.
            assertThat(failures).isLessThanOrEqualTo(1);
        }
    }

    private record Response(long began, String body) {}

    /**
     * Shepherd over {@code count} FlakyHealthWorkers with http checks quick in transition; their 1 s timeout keeps a
     * loaded machine's slow answer from ejecting a worker the test counts on.
     */
    private JavaProcess flakyWorkers(int listen, int count, String unhealthyRestartAfter) throws Exception {
        JavaProcess edge = JavaProcess.shepherd(List.of(
                "-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + listen,
                "-Dshepherd.admin.port=" + FreePort.reserve(),
                "-Dshepherd.workers.count=" + count,
                "-Dshepherd.workers.first-port=" + FreePort.reserveRange(count),
                "-Dshepherd.workers.command.0=" + JavaProcess.java(),
                "-Dshepherd.workers.command.1=-Xmx32m",
                "-Dshepherd.workers.command.2=-cp",
                "-Dshepherd.workers.command.3=" + JavaProcess.testClasses() + ":" + JavaProcess.JAR,
                "-Dshepherd.workers.command.4=" + FlakyHealthWorker.class.getName(),
                "-Dshepherd.workers.env.HEALTH_DIR=" + dir,
                "-Dshepherd.workers.unhealthy-restart-after=" + unhealthyRestartAfter,
                "-Dshepherd.health-check.type=http",
                "-Dshepherd.health-check.interval=1200ms",
                "-Dshepherd.health-check.timeout=1s",
                "-Dshepherd.health-check.fast-interval=50ms",
                "-Dshepherd.health-check.rise=2",
                "-Dshepherd.health-check.fall=2"));
        edge.awaitLine("front proxy listening on 127.0.0.1:" + listen, START);
        return edge;
    }

    /** The ids of the workers that answer {@code n} new connections. */
    private static Set<String> workersAnswering(int listen, int n) throws IOException {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String response = Http.get(listen);
            Matcher id = Pattern.compile("hello from worker (\\d+)").matcher(response);
            assertThat(id.find()).as("response %s", response).isTrue();
            ids.add(id.group(1));
        }
        return ids;
    }
}
