package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.shepherd.proxy.frontend.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The edge out of file descriptors: accept fails with "Too many open files" until connections
 * close, on every transport that loads here (io_uring was once seen spinning on it).
 */
class AcceptErrorIT {
    private static final Duration START = Duration.ofSeconds(30);

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void runningOutOfFileDescriptorsNeitherSpinsACoreNorFloodsTheLogAndRecovers(Transport transport) throws Exception {
        int backend = FreePort.reserveRange(1); // a server's port below the ephemeral range, as worker ports are
        int listen = FreePort.reserve();
        List<Socket> clients = new ArrayList<>();
        try (JavaProcess worker = JavaProcess.demoWorker("a", backend);
                JavaProcess edge = JavaProcess.shepherdWithFileLimit(200, List.of(
                        "-Dshepherd.listen.host=127.0.0.1",
                        "-Dshepherd.listen.port=" + listen,
                        "-Dshepherd.admin.port=" + FreePort.reserve(),
                        "-Dshepherd.event-loop-threads=1",
                        "-Dshepherd.transport=" + transport.configName(),
                        "-Dshepherd.backends.0=127.0.0.1:" + backend), "-c", "conf/sidecar.conf")) {
            worker.awaitLine("listening on", START);
            assertThat(edge.awaitLine("front proxy listening on", START)).contains("(" + transport.configName() + " transport");
            edge.awaitLine("is UP", START);
            try {
                // Each proxied connection costs the edge two descriptors: far more than 200.
                for (int i = 0; i < 300; i++) {
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), listen);
                    client.setSoTimeout(10_000);
                    clients.add(client);
                }
                edge.awaitLine("Too many open files", START);

                long before = edge.cpuTicks();
                long start = System.nanoTime();
                Thread.sleep(3_000); // measuring CPU use over a fixed window
                long ticks = edge.cpuTicks() - before;
                double seconds = (System.nanoTime() - start) / 1e9;
                assertThat(ticks / 100.0 / seconds).as("share of one core used while out of descriptors").isLessThan(0.25);
                List<String> errorLines = edge.lines().stream().filter(line -> line.contains("Too many open files")).toList();
                assertThat(errorLines).as("log lines about the error within about 4 s").hasSizeLessThanOrEqualTo(1);
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
            // Recovers: once the edge has seen those clients go and closed their pairs, it serves again.
            // Until then a new client can still meet the limit (its endpoint connect fails, it is closed).
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String response = "";
            while (!response.startsWith("HTTP/1.1 200") && System.nanoTime() < deadline) {
                try {
                    response = Http.get(listen);
                } catch (java.io.IOException stillAtTheLimit) {
                    Thread.sleep(100);
                }
            }
            assertThat(response).startsWith("HTTP/1.1 200");
        }
    }
}
