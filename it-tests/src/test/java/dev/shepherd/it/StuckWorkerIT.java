package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker whose port accepts but whose application is stuck (the faults issue's point 2). */
class StuckWorkerIT {
    private static final Duration START = Duration.ofSeconds(30);

    @Test
    void aStuckWorkerLeavesTheRotationWithinItsChecksAndItsClientsAreClosedWhenItIsKilled(@TempDir Path dir)
            throws Exception {
        int listen = FreePort.reserve();
        int adminPort = FreePort.reserve();
        AdminClient admin = new AdminClient(adminPort);
        try (JavaProcess edge = JavaProcess.shepherd(List.of("-Dshepherd.listen.host=127.0.0.1",
                "-Dshepherd.listen.port=" + listen, "-Dshepherd.admin.port=" + adminPort,
                "-Dshepherd.workers.count=2", "-Dshepherd.workers.first-port=" + FreePort.reserveRange(2),
                "-Dshepherd.workers.command.0=" + JavaProcess.java(), "-Dshepherd.workers.command.1=-Xmx64m",
                "-Dshepherd.workers.command.2=-cp",
                "-Dshepherd.workers.command.3=" + JavaProcess.testClasses() + ":" + JavaProcess.JAR,
                "-Dshepherd.workers.command.4=dev.shepherd.it.StuckWorker",
                "-Dshepherd.workers.env.STUCK_DIR=" + dir,
                "-Dshepherd.workers.heartbeat.timeout=3s",
                "-Dshepherd.health-check.type=http", "-Dshepherd.health-check.path=/health",
                "-Dshepherd.health-check.interval=500ms", "-Dshepherd.health-check.timeout=200ms",
                "-Dshepherd.health-check.fall=2"))) {
            edge.awaitLine("worker 0 (pid", START);
            edge.awaitLine("worker 1 (pid", START);
            Files.createFile(dir.resolve("stuck-0"));
            long stuckAt = System.nanoTime();

            // A client on the stuck worker: round-robin sends one of two new connections there.
            Socket waiting = null;
            for (int i = 0; i < 2 && waiting == null; i++) {
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listen);
                client.setSoTimeout(1000);
                client.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                try {
                    client.getInputStream().readAllBytes();
                    client.close();
                } catch (java.net.SocketTimeoutException stuck) {
                    waiting = client;
                }
            }
            assertThat(waiting).as("a client waiting on the stuck worker").isNotNull();

            long deadline = System.nanoTime() + START.toNanos();
            while (isUp(admin, "0") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long outOfRotationMs = (System.nanoTime() - stuckAt) / 1_000_000;
            assertThat(isUp(admin, "0")).as("worker 0 still UP").isFalse();

            waiting.setSoTimeout(20_000);
            InputStream in = waiting.getInputStream();
            long closed;
            try {
                in.readAllBytes();
            } catch (java.net.SocketException reset) {
                // closed by a reset: as good
            } finally {
                closed = (System.nanoTime() - stuckAt) / 1_000_000;
                waiting.close();
            }
            edge.awaitLine("sent no heartbeat for", START);
            System.out.printf("a stuck worker (port accepting, requests and /health waiting for ever, 2 threads deadlocked):"
                    + " out of rotation %d ms after it got stuck (http check: fall 2 x interval 500 ms, timeout 200 ms);"
                    + " its waiting client closed %d ms after (heartbeat.timeout 3 s, the liveness check saw the deadlock)%n",
                    outOfRotationMs, closed);
            assertThat(outOfRotationMs).isLessThan(5_000);
            assertThat(closed).isLessThan(15_000);
            assertThat(edge.lines()).anyMatch(line -> line.contains("Found one Java-level deadlock")
                    || line.contains("\"stuck-1\""));
        }
    }

    private static boolean isUp(AdminClient admin, String id) throws Exception {
        return admin.workers().stream().anyMatch(w -> w.path("id").asText().equals(id) && w.path("state").asText().equals("UP"));
    }
}
