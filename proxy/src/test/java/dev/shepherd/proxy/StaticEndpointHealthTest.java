package dev.shepherd.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shepherd.proxy.config.TestSettings;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.proxy.endpoint.EndpointStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The edge's static endpoints under health checks: real sockets, a real front proxy. */
class StaticEndpointHealthTest {
    private static final String CHECKS = "health-check { type = tcp, interval = 300ms, timeout = 100ms, "
            + "fast-interval = 50ms, rise = 2, fall = 2 }";

    private final Backend a = new Backend("a");
    private final Backend b = new Backend("b");
    private Edge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        a.stop();
        b.stop();
    }

    @Test
    void aStaticEndpointThatGoesDownLeavesRotationWithinFallTimesIntervalAndComesBackAfterRise() throws Exception {
        startWithBothUp(CHECKS);
        assertThat(namesOfFour()).containsExactlyInAnyOrder("a", "b");

        long down = System.nanoTime();
        a.stop();
        awaitState(a, EndpointState.UNHEALTHY);
        long ejectedMillis = (System.nanoTime() - down) / 1_000_000;
        // fall (2) x interval (300 ms, +10 % jitter) + one timeout (100 ms), with room for a slow machine.
        assertThat(ejectedMillis).isLessThan(2 * 330 + 100 + 1000);
        assertThat(status(a).health()).startsWith("failing");
        assertThat(namesOfFour()).containsOnly("b");

        a.start();
        awaitState(a, EndpointState.UP);
        assertThat(namesOfFour()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void withEveryEndpointDownClientsWaitForTheFirstOneBackOrAreClosedAtOnceWithoutAQueue() throws Exception {
        startWithBothUp(CHECKS);
        a.stop();
        b.stop();
        awaitState(a, EndpointState.UNHEALTHY);
        awaitState(b, EndpointState.UNHEALTHY);

        try (Socket waiting = connect()) {
            Thread.sleep(300);
            b.start();
            // Served by b once its rise checks pass, never closed meanwhile.
            assertThat(new String(waiting.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip()).isEqualTo("b");
        }
        assertThat(noEligibleEndpoint()).isZero();
        edge.close();

        a.stop();
        b.stop();
        edge = start(CHECKS + ", queue-timeout = 0s");
        try (Socket client = connect()) {
            long began = System.nanoTime();
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - began) / 1_000_000).isLessThan(1000);
        }
        assertThat(noEligibleEndpoint()).isEqualTo(1);
    }

    @Test
    void aRefusedConnectByTheProxyBringsTheNextCheckForward() throws Exception {
        // Active checks 10 s apart once healthy: only the passive check can notice a failure soon.
        startWithBothUp("health-check { type = tcp, interval = 10s, timeout = 100ms, fast-interval = 50ms, rise = 1, fall = 2 }");
        a.stop();

        long began = System.nanoTime();
        assertThat(namesOfFour()).containsOnly("b"); // the connects to a are refused and retried on b
        awaitState(a, EndpointState.UNHEALTHY);
        assertThat((System.nanoTime() - began) / 1_000_000).isLessThan(5000);
        assertThat(status(a).health()).containsIgnoringCase("connection refused");
    }

    private void startWithBothUp(String checks) throws Exception {
        a.start();
        b.start();
        edge = start(checks);
        awaitState(a, EndpointState.UP);
        awaitState(b, EndpointState.UP);
    }

    private Edge start(String checks) throws InterruptedException {
        return Edge.start(TestSettings.onPortZero(checks, List.of(a.endpoint, b.endpoint)));
    }

    private void awaitState(Backend backend, EndpointState state) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> status(backend).state() == state);
    }

    private EndpointStatus status(Backend backend) {
        return edge.group().status().stream().filter(s -> s.endpoint().equals(backend.endpoint)).findFirst().orElseThrow();
    }

    /** The names of the backends that answer four new connections. */
    private Set<String> namesOfFour() throws IOException {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            try (Socket client = connect()) {
                names.add(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip());
            }
        }
        return names;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.address().getPort());
        socket.setSoTimeout(5000);
        return socket;
    }

    private double noEligibleEndpoint() {
        return edge.registry().get("shepherd.connect.failures").tag("reason", "no_eligible_endpoint").counter().count();
    }

    /** A backend on a fixed port that can be stopped and started again: says its name and closes. */
    private static final class Backend {
        final String name;
        final Endpoint endpoint;
        private volatile ServerSocket server;

        Backend(String name) {
            this.name = name;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                endpoint = new Endpoint("127.0.0.1:" + probe.getLocalPort(), "127.0.0.1", probe.getLocalPort());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void start() throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), endpoint.port()), 50);
            server = socket;
            Thread thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket client = socket.accept()) {
                        client.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                        client.shutdownOutput();
                        InputStream in = client.getInputStream();
                        client.setSoTimeout(1000);
                        in.read(); // until the client (or a health check) closes
                    } catch (IOException e) {
                        // closed, or a client gone: next
                    }
                }
            }, "backend-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            ServerSocket socket = server;
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // stopping
                }
            }
        }
    }
}
