package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The command-line client of the admin API (the real jar) against a running edge, and against none. */
class AdminCommandsIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration EXIT = Duration.ofSeconds(60);

    /** The output of {@code shepherd ARGS} run with the JVM options {@code jvm}, which must exit {@code code}. */
    private static List<String> run(int code, Map<String, String> env, List<String> jvm, String... args) throws Exception {
        try (JavaProcess command = JavaProcess.shepherd(env, jvm, args)) {
            assertThat(command.awaitExit(EXIT)).as(String.join("\n", command.lines())).isEqualTo(code);
            return command.lines();
        }
    }

    @Test
    void statusRestartDrainReadyScaleAndSendSteerARunningEdge() throws Exception {
        int listen = FreePort.reserve();
        int admin = FreePort.reserve();
        int firstPort = FreePort.reserveRange(3);
        // The commands find the API as the edge does: the same file, the same -D overrides.
        List<String> settings = List.of("-Dshepherd.admin.port=" + admin);
        List<String> edgeArgs = new ArrayList<>(List.of("-Dshepherd.listen.host=127.0.0.1", "-Dshepherd.listen.port=" + listen,
                "-Dshepherd.workers.first-port=" + firstPort));
        edgeArgs.addAll(settings);
        try (JavaProcess edge = JavaProcess.shepherd(edgeArgs)) {
            edge.awaitLine("worker 0 (pid", START);
            edge.awaitLine("worker 1 (pid", START);

            List<String> status = run(0, Map.of(), settings, "status");
            assertThat(status.get(0)).startsWith("edge pid ").contains("listening on 127.0.0.1:" + listen);
            assertThat(status.get(1)).startsWith("id  kind    pid").contains("state  health").endsWith("last exit");
            assertThat(status.get(2)).matches("0   worker  \\d+ +" + firstPort + "  UP +passing +100 .*");
            assertThat(status.get(3)).matches("1   worker  \\d+ +" + (firstPort + 1) + "  UP +passing +100 .*");

            assertThat(run(0, Map.of(), settings, "restart", "1"))
                    .singleElement().asString().matches("worker 1 replaced: pid \\d+ -> pid \\d+ on port \\d+");
            assertThat(run(0, Map.of(), settings, "drain", "0"))
                    .containsExactly("endpoint 0 drained: no connection open, no new one");
            assertThat(run(0, Map.of(), settings, "status").get(2)).contains("DRAINING");
            assertThat(run(0, Map.of(), settings, "ready", "0")).containsExactly("endpoint 0 ready: in rotation while healthy");
            assertThat(run(0, Map.of(), settings, "scale", "3")).containsExactly("scaled from 2 to 3 workers");
            assertThat(run(0, Map.of(), settings, "send", "0", "hello")).containsExactly("sent to worker 0");
            edge.awaitLine("worker 0 message: echo: hello", START);

            String json = String.join("\n", run(0, Map.of(), List.of(), "status", "--json", "--admin", "http://127.0.0.1:" + admin));
            Set<String> ids = new HashSet<>();
            new ObjectMapper().readTree(json).path("endpoints").forEach(e -> ids.add(e.path("id").asText()));
            assertThat(ids).containsExactlyInAnyOrder("0", "1", "2");
            assertThat(run(1, Map.of(), settings, "drain", "7"))
                    .containsExactly("no such endpoint; the endpoints are 0, 1, 2");
        }
    }

    @Test
    void withNoEdgeAnsweringACommandSaysSoInOneLineAndExits1() throws Exception {
        int nobody = FreePort.reserve();
        assertThat(run(1, Map.of(), List.of("-Dshepherd.admin.port=" + nobody), "status"))
                .containsExactly("no Shepherd admin API at 127.0.0.1:" + nobody + ": connection refused");
        assertThat(run(1, Map.of(), List.of(), "reload", "--admin", "http://127.0.0.1:" + nobody))
                .containsExactly("no Shepherd admin API at 127.0.0.1:" + nobody + ": connection refused");
    }

    @Test
    void withATokenSetACommandNeedsItFromTheEnvironmentOrTheOption() throws Exception {
        int listen = FreePort.reserve();
        int admin = FreePort.reserve();
        List<String> settings = List.of("-Dshepherd.admin.port=" + admin);
        try (JavaProcess edge = JavaProcess.shepherd(List.of("-Dshepherd.listen.host=127.0.0.1", "-Dshepherd.listen.port=" + listen,
                "-Dshepherd.admin.port=" + admin, "-Dshepherd.admin.token=s3cret", "-Dshepherd.workers.count=0",
                "-Dshepherd.backends.0=127.0.0.1:" + FreePort.reserve()), "-c", "conf/sidecar.conf")) {
            edge.awaitLine("admin API listening on 127.0.0.1:" + admin, START);
            String backend = "127.0.0.1:" + edge.lines().stream().filter(l -> l.contains("backends        [127.0.0.1:"))
                    .findFirst().orElseThrow().replaceAll(".*\\[127\\.0\\.0\\.1:(\\d+)\\].*", "$1");

            assertThat(run(1, Map.of(), settings, "drain", backend))
                    .containsExactly("a POST needs the header Authorization: Bearer <admin.token>");
            assertThat(run(0, Map.of("SHEPHERD_ADMIN_TOKEN", "s3cret"), settings, "drain", backend))
                    .singleElement().asString().startsWith("endpoint " + backend + " drained");
            assertThat(run(0, Map.of(), settings, "ready", backend, "--token", "s3cret"))
                    .containsExactly("endpoint " + backend + " ready: in rotation while healthy");
            assertThat(run(0, Map.of(), settings, "status")).anyMatch(line -> line.startsWith(backend + "  static"));
            assertThat(edge.lines()).noneMatch(line -> line.contains("s3cret"));
        }
    }
}
