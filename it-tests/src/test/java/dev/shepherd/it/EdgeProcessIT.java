package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real jar as a user runs it: the default config, and the sidecar config in front of two demo workers. */
class EdgeProcessIT {
    private static final Duration START = Duration.ofSeconds(30);

    @Test
    void sidecarServesHttpFromTwoBackendsInTurnReReadsItsFileOnSighupAndStopsOnSigterm() throws Exception {
        int first = FreePort.reserve();
        int second = FreePort.reserve();
        int listen = FreePort.reserve();
        try (JavaProcess a = JavaProcess.demoWorker("a", first);
                JavaProcess b = JavaProcess.demoWorker("b", second);
                JavaProcess edge = JavaProcess.shepherd(List.of(
                        "-Dshepherd.listen.host=127.0.0.1",
                        "-Dshepherd.listen.port=" + listen,
                        "-Dshepherd.admin.port=" + FreePort.reserve(),
                        "-Dshepherd.backends.0=127.0.0.1:" + first,
                        "-Dshepherd.backends.1=127.0.0.1:" + second), "-c", "conf/sidecar.conf")) {
            a.awaitLine("listening on", START);
            b.awaitLine("listening on", START);
            edge.awaitLine("front proxy listening on 127.0.0.1:" + listen, START);
            edge.awaitLine("endpoint 127.0.0.1:" + first + " is UP", START);
            edge.awaitLine("endpoint 127.0.0.1:" + second + " is UP", START);

            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                // HTTP/1.0: a new connection per request, so each one is balanced.
                String response = Http.get(listen);
                assertThat(response).startsWith("HTTP/1.1 200");
                bodies.add(response.substring(response.indexOf("\r\n\r\n") + 4, response.indexOf(" (pid")));
            }
            assertThat(bodies).containsOnly("hello from worker a", "hello from worker b");
            for (int i = 1; i < bodies.size(); i++) {
                assertThat(bodies.get(i)).as("request %d", i).isNotEqualTo(bodies.get(i - 1));
            }

            edge.signal("HUP"); // logrotate's habit: must not stop the edge
            // The same file with the same -D overrides: the same settings.
            edge.awaitLine("config reload from conf/sidecar.conf: nothing changed", START);
            assertThat(Http.get(listen)).startsWith("HTTP/1.1 200");

            edge.signal("TERM");
            assertThat(edge.awaitExit(Duration.ofSeconds(15))).isZero();
            assertThat(edge.lines()).anyMatch(line -> line.contains("Edge - stopped"));
        }
    }

    @Test
    void theDefaultConfigSpawnsTwoDemoWorkersServesThemInTurnAndStopsThemOnCtrlC() throws Exception {
        int listen = FreePort.reserve();
        int admin = FreePort.reserve();
        int firstPort = FreePort.reserveRange(2);
        try (JavaProcess edge = JavaProcess.shepherd(List.of(
                "-Dshepherd.listen.port=" + listen, "-Dshepherd.admin.port=" + admin,
                "-Dshepherd.workers.first-port=" + firstPort))) {
            edge.awaitLine("settings from conf/shepherd.conf", START);
            edge.awaitLine("front proxy listening on 0.0.0.0:" + listen, START);
            assertThat(edge.lines()).anyMatch(line -> line.contains("balance         round-robin"));
            edge.awaitLine("worker 0 (pid", START);
            edge.awaitLine("worker 1 (pid", START);

            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String response = Http.get(listen);
                assertThat(response).startsWith("HTTP/1.1 200");
                bodies.add(response.substring(response.indexOf("\r\n\r\n") + 4));
            }
            assertThat(bodies.get(0)).isNotEqualTo(bodies.get(1)).isEqualTo(bodies.get(2));
            assertThat(bodies.get(1)).isEqualTo(bodies.get(3));
            assertThat(bodies).anyMatch(body -> body.startsWith("hello from worker 0 (pid ") && body.endsWith(", port " + firstPort + ")\n"));
            assertThat(bodies).anyMatch(body -> body.startsWith("hello from worker 1 (pid ") && body.endsWith(", port " + (firstPort + 1) + ")\n"));

            edge.signal("INT");
            assertThat(edge.awaitExit(Duration.ofSeconds(15))).isZero();
            assertThat(edge.lines()).anyMatch(line -> line.contains("worker 0 (pid") && line.contains("stopped after"));
            assertThat(edge.lines()).anyMatch(line -> line.contains("worker 1 (pid") && line.contains("stopped after"));
            assertThat(edge.lines()).anyMatch(line -> line.contains("Edge - stopped"));
        }
    }

    @Test
    void aListenPortInUseFailsStartUpWithExitCode1NamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                JavaProcess edge = JavaProcess.shepherd(List.of(
                        "-Dshepherd.admin.port=" + FreePort.reserve(),
                        "-Dshepherd.listen.host=127.0.0.1", "-Dshepherd.listen.port=" + taken.getLocalPort()),
                        "-c", "conf/sidecar.conf")) {
            assertThat(edge.awaitExit(START)).isEqualTo(1);
            List<String> lines = edge.lines();
            assertThat(lines.get(lines.size() - 1))
                    .startsWith("shepherd: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
                    .contains("Address already in use")
                    .contains("(held by pid " + ProcessHandle.current().pid() + " (");
        }
    }
}
