package dev.shepherd.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.endpoint.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthProbeTest {
    private final Probes probes = new Probes();
    private ServerSocket server;

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeProbes() {
        probes.close();
    }

    @Test
    void aThousandChecksOfPortsThatNeverAnswerWaitOnOneThread() throws Exception {
        server = new ServerSocket(0, 2000, InetAddress.getLoopbackAddress()); // accepts, never answers
        HealthProbe probe = HealthProbe.http(probes, "/health");
        List<CompletableFuture<CheckResult>> checks = new ArrayList<>();
        long began = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            checks.add(probe.check(endpoint(server.getLocalPort()), 500));
        }
        long checkThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("shepherd-health-check")).count();
        for (CompletableFuture<CheckResult> check : checks) {
            assertThat(check.get(10, TimeUnit.SECONDS)).isIn(CheckResult.failed("timed out after 500 ms"),
                    CheckResult.failed("connection refused")); // the backlog may overflow: refused is a fair answer too
        }
        assertThat(checks).filteredOn(check -> check.join().equals(CheckResult.failed("timed out after 500 ms")))
                .as("most waited their full timeout").hasSizeGreaterThan(500);
        assertThat(checkThreads).as("threads the checks ran on").isEqualTo(1);
        assertThat((System.nanoTime() - began) / 1_000_000).as("ms for all of them, at once").isLessThan(5000);
    }

    @Test
    void tcpPassesWhenThePortAcceptsAndFailsWhenItRefuses() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Endpoint endpoint = endpoint(server.getLocalPort());
        assertThat(HealthProbe.tcp(probes).check(endpoint, 500).join()).isEqualTo(CheckResult.PASSED);
        server.close();
        assertThat(HealthProbe.tcp(probes).check(endpoint, 500).join()).isEqualTo(CheckResult.failed("connection refused"));
    }

    @Test
    void httpPassesOn2xxAndSendsThePath() throws Exception {
        BlockingQueue<String> requests = answer("HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(HealthProbe.http(probes, "/healthz").check(endpoint(server.getLocalPort()), 1000).join()).isEqualTo(CheckResult.PASSED);
        assertThat(requests.take()).startsWith("GET /healthz HTTP/1.0\r\n");
    }

    @Test
    void httpFailsOnA500AndOnA302() throws Exception {
        answer("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
        assertThat(HealthProbe.http(probes, "/health").check(endpoint(server.getLocalPort()), 1000).join())
                .isEqualTo(CheckResult.failed("HTTP 500"));
        close();
        answer("HTTP/1.1 302 Found\r\nLocation: /login\r\n\r\n");
        assertThat(HealthProbe.http(probes, "/health").check(endpoint(server.getLocalPort()), 1000).join())
                .isEqualTo(CheckResult.failed("HTTP 302"));
    }

    @Test
    void httpFailsOnSomethingThatIsNotHttp() throws Exception {
        answer("SSH-2.0-OpenSSH_9.2\r\n");
        assertThat(HealthProbe.http(probes, "/health").check(endpoint(server.getLocalPort()), 1000).join())
                .isEqualTo(CheckResult.failed("not an HTTP response: 'SSH-2.0-OpenSSH_9.2'"));
    }

    @Test
    void httpFailsWhenTheAnswerTakesLongerThanTheTimeout() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // accepts, never answers
        long began = System.nanoTime();
        CheckResult result = HealthProbe.http(probes, "/health").check(endpoint(server.getLocalPort()), 300).join();
        long tookMillis = (System.nanoTime() - began) / 1_000_000;
        assertThat(result).isEqualTo(CheckResult.failed("timed out after 300 ms"));
        assertThat(tookMillis).isBetween(250L, 3000L);
    }

    /** A server that reads one request head and writes {@code response}, for each connection. */
    private BlockingQueue<String> answer(String response) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        BlockingQueue<String> requests = new ArrayBlockingQueue<>(10);
        ServerSocket listening = server;
        Thread thread = new Thread(() -> {
            while (!listening.isClosed()) {
                try (Socket socket = listening.accept()) {
                    InputStream in = socket.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        head.append((char) b);
                    }
                    requests.add(head.toString());
                    socket.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        });
        thread.setDaemon(true);
        thread.start();
        return requests;
    }

    private static Endpoint endpoint(int port) {
        return new Endpoint("test", "127.0.0.1", port);
    }
}
