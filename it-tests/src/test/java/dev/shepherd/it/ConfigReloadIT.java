package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP and {@code POST /config/reload} re-read the config file and apply what changed, under load,
 * without a failed request: a broken file keeps the running settings, a count scales, a command
 * change rolls every worker, backends join and leave, a listen change waits for a restart.
 */
class ConfigReloadIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void eachChangeToTheFileIsAppliedAsItsKindRequiresWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        int firstPort = FreePort.reserveRange(4);
        int staticPort = FreePort.reserve();
        Path file = dir.resolve("shepherd.conf");
        Files.writeString(file, config(listen, adminPort, firstPort, 2, "v1", ""));
        try (JavaProcess edge = JavaProcess.shepherd(List.of(), "-c", file.toString());
                JavaProcess backend = JavaProcess.plainHttpServer(staticPort, "static")) {
            edge.awaitLine("worker 0 (pid", WAIT);
            edge.awaitLine("worker 1 (pid", WAIT);
            AdminClient admin = new AdminClient(adminPort);
            try (TrafficLoad load = TrafficLoad.newConnectionsOnly(listen, Duration.ofSeconds(150))) {
                Files.writeString(file, "shepherd { workers { count = many } }\n");
                edge.signal("HUP");
                String invalid = edge.awaitLine("config reload: the file is not valid, the running settings stay", WAIT);
                assertThat(invalid).as("the file, the line and the key of the mistake")
                        .contains(file + ": 1: ").contains("shepherd.workers.count");
                assertThat(admin.workers()).as("the running settings stay").hasSize(2);

                Files.writeString(file, config(listen, adminPort, firstPort, 3, "v1", ""));
                edge.signal("HUP");
                edge.awaitLine("config reload: workers scaled from 2 to 3", WAIT);
                assertThat(admin.workersUp()).as("workers UP: %s", admin.workers()).isEqualTo(3);

                Set<Long> before = pids(admin);
                Files.writeString(file, config(listen, adminPort, firstPort, 3, "v2", ""));
                edge.signal("HUP");
                edge.awaitLine("config reload from " + file + ": applied workers.command, workers.env", WAIT);
                edge.awaitLine("config reload: workers replaced 3 workers, 1 at a time", WAIT);
                Set<Long> after = pids(admin);
                for (long deadline = System.nanoTime() + WAIT.toNanos(); after.size() > 3 && System.nanoTime() < deadline; ) {
                    Thread.sleep(50); // the last old instance drains and stops
                    after = pids(admin);
                }
                assertThat(after).as("every worker replaced").doesNotContainAnyElementsOf(before).hasSize(3);
                assertThat(Http.get(listen)).contains("v2-");

                Files.writeString(file, config(listen, adminPort, firstPort, 3, "v2",
                        "backends = [\"127.0.0.1:" + staticPort + "\"]\nlisten.port = " + FreePort.reserve()));
                HttpResponse<String> reloaded = admin.post("/config/reload");
                assertThat(reloaded.statusCode()).isEqualTo(200);
                assertThat(reloaded.body()).contains("backends (+127.0.0.1:" + staticPort + ")")
                        .contains("\"needRestart\":[\"listen.port\"]");
                awaitStaticRows(admin, 1, "UP");
                assertThat(Http.get(listen)).as("the edge still listens where it started").isNotEmpty();

                Files.writeString(file, config(listen, adminPort, firstPort, 3, "v2", ""));
                try (JavaProcess command = JavaProcess.shepherd(List.of(), "reload-config", "-c", file.toString())) {
                    assertThat(command.awaitExit(WAIT)).as("reload-config: %s", command.lines()).isZero();
                    assertThat(command.lines()).containsExactly("applied backends (-127.0.0.1:" + staticPort + ")");
                }
                awaitStaticRows(admin, 0, null);

                load.stop();
                assertThat(load.requests()).isGreaterThan(100);
                assertThat(load.failures()).as("failed requests: %s", load.errors()).isZero();
            }
        }
    }

    private static String config(int listen, int adminPort, int firstPort, int count, String name, String more) {
        return """
                shepherd {
                  listen { host = "127.0.0.1", port = %d }
                  admin.port = %d
                  health-check { type = http, path = "/" }
                  workers {
                    count = %d
                    first-port = %d
                    command = ["%s", "-cp", "%s", "dev.shepherd.it.PlainHttpServer", "--port={port}", "--release=%s"]
                    env { APP_NAME = "%s-{id}" }
                  }
                  %s
                }
                """.formatted(listen, adminPort, count, firstPort, JavaProcess.java(), JavaProcess.testClasses(), name, name, more);
    }

    private static Set<Long> pids(AdminClient admin) throws Exception {
        return admin.workers().stream().map(w -> w.path("pid").asLong()).collect(Collectors.toSet());
    }

    /** Waits until {@code count} static rows are in status, each in {@code state} when given. */
    private static void awaitStaticRows(AdminClient admin, int count, String state) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> rows = List.of();
        while (System.nanoTime() < deadline) {
            rows = admin.endpoints("static");
            if (rows.size() == count && rows.stream().allMatch(r -> state == null || r.path("state").asText().equals(state))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("static endpoints after " + WAIT + ": " + rows);
    }
}
