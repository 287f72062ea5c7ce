package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.proxy.endpoint.FailureReason;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectRetryTest {

    @Test
    void oneEndpointDownCostsTheClientsNothing() throws Exception {
        try (TestServer a = TestServer.echo("a"); TestServer b = TestServer.echo("b")) {
            List<Endpoint> endpoints = List.of(a.endpoint(), TestServer.refusingEndpoint(), b.endpoint());
            try (RunningProxy proxy = new RunningProxy("connect-attempts = 2", endpoints)) {
                ExecutorService clients = Executors.newFixedThreadPool(4);
                try {
                    List<Future<Integer>> failures = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        failures.add(clients.submit(() -> pingPong(proxy, 250)));
                    }
                    int failed = 0;
                    for (Future<Integer> f : failures) {
                        failed += f.get(60, TimeUnit.SECONDS);
                    }
                    assertThat(failed).as("client connections that failed").isZero();
                } finally {
                    clients.shutdownNow();
                }
                assertThat(a.accepted() + b.accepted()).isEqualTo(1000);
                assertThat(proxy.failures(FailureReason.CONNECT_REFUSED)).isGreaterThanOrEqualTo(300);
            }
        }
    }

    @Test
    void aSilentEndpointTimesOutAndTheNextOneServesTheClient() throws Exception {
        try (SilentEndpoint silent = new SilentEndpoint(); TestServer echo = TestServer.echo("echo");
                RunningProxy proxy = new RunningProxy("connect-timeout = 300ms", List.of(silent.endpoint(), echo.endpoint()))) {
            for (int i = 0; i < 2; i++) {
                try (Socket client = proxy.connect()) {
                    client.getOutputStream().write('x');
                    assertThat(client.getInputStream().read()).isEqualTo('x');
                }
            }
            assertThat(proxy.failures(FailureReason.CONNECT_TIMEOUT)).isGreaterThanOrEqualTo(1);
            assertThat(echo.accepted()).isEqualTo(2);
        }
    }

    @Test
    void anEndpointNamedByHostNameIsResolvedAndServes() throws Exception {
        try (TestServer echo = TestServer.echo("echo");
                RunningProxy proxy = new RunningProxy("", List.of(Endpoint.parse("localhost:" + echo.port())));
                Socket client = proxy.connect()) {
            client.getOutputStream().write('h');
            assertThat(client.getInputStream().read()).isEqualTo('h');
            assertThat(echo.accepted()).isEqualTo(1);
        }
    }

    @Test
    void clientIsClosedWhenEveryAttemptIsRefused() throws Exception {
        List<Endpoint> endpoints = List.of(TestServer.refusingEndpoint(), TestServer.refusingEndpoint());
        try (RunningProxy proxy = new RunningProxy("connect-attempts = 3", endpoints);
                Socket client = proxy.connect()) {
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(proxy.failures(FailureReason.CONNECT_REFUSED)).isEqualTo(2);
        }
    }

    @Test
    void withoutAQueueAClientIsClosedAtOnceWhenNoEndpointIsEligible() throws Exception {
        try (RunningProxy proxy = new RunningProxy("queue-timeout = 0s", List.of()); Socket client = proxy.connect()) {
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(proxy.failures(FailureReason.NO_ELIGIBLE_ENDPOINT)).isEqualTo(1);
        }
    }

    @Test
    void aClientThatFindsNoEligibleEndpointWaitsForTheFirstOneAdmitted() throws Exception {
        try (TestServer echo = TestServer.echo("echo");
                RunningProxy proxy = new RunningProxy("queue-timeout = 5s", List.of());
                Socket client = proxy.connect()) {
            client.getOutputStream().write('w');
            assertThat(RunningProxy.eventually(Duration.ofSeconds(2), () -> waiting(proxy) == 1)).isTrue();
            Thread.sleep(300);
            proxy.group.add(echo.endpoint(), "static").setState(EndpointState.UP);
            assertThat(client.getInputStream().read()).isEqualTo('w');
            assertThat(waiting(proxy)).isZero();
            assertThat(proxy.failures(FailureReason.NO_ELIGIBLE_ENDPOINT)).isZero();
        }
    }

    @Test
    void aClientWhoseWaitRunsOutIsClosedAndCounted() throws Exception {
        try (RunningProxy proxy = new RunningProxy("queue-timeout = 300ms", List.of()); Socket client = proxy.connect()) {
            long start = System.nanoTime();
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
            assertThat(proxy.failures(FailureReason.QUEUE_TIMEOUT)).isEqualTo(1);
            assertThat(waiting(proxy)).isZero();
        }
    }

    private static double waiting(RunningProxy proxy) {
        return proxy.registry.get("shepherd.clients.waiting").gauge().value();
    }

    @Test
    void failuresAreClassifiedByCause() {
        assertThat(BackendConnector.reasonOf(new ConnectTimeoutException("slow"))).isEqualTo(FailureReason.CONNECT_TIMEOUT);
        assertThat(BackendConnector.reasonOf(new ConnectException("Connection refused"))).isEqualTo(FailureReason.CONNECT_REFUSED);
        assertThat(BackendConnector.reasonOf(new NoRouteToHostException())).isEqualTo(FailureReason.CONNECT_FAILED);
    }

    /** Opens {@code count} connections one after another; each sends a line and expects it back. Returns the failures. */
    private static int pingPong(RunningProxy proxy, int count) {
        int failed = 0;
        for (int i = 0; i < count; i++) {
            byte[] ping = ("ping " + i + "\n").getBytes(StandardCharsets.US_ASCII);
            try (Socket client = proxy.connect()) {
                OutputStream out = client.getOutputStream();
                out.write(ping);
                client.shutdownOutput();
                InputStream in = client.getInputStream();
                if (!java.util.Arrays.equals(in.readAllBytes(), ping)) {
                    failed++;
                }
            } catch (IOException e) {
                failed++;
            }
        }
        return failed;
    }

    /**
     * A listening socket that never accepts, its accept queue filled: the kernel drops further
     * SYNs, so a connect to it neither succeeds nor is refused, only times out.
     */
    private static final class SilentEndpoint implements AutoCloseable {
        private final ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final List<Socket> fillers = new ArrayList<>();

        SilentEndpoint() throws IOException {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listening.getLocalPort());
            for (int i = 0; i < 16; i++) {
                Socket filler = new Socket();
                fillers.add(filler);
                try {
                    filler.connect(address, 200);
                } catch (SocketTimeoutException full) {
                    return;
                }
            }
            throw new IllegalStateException("the accept queue of " + address + " never filled");
        }

        Endpoint endpoint() {
            return Endpoint.parse("127.0.0.1:" + listening.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            for (Socket filler : fillers) {
                filler.close();
            }
            listening.close();
        }
    }
}
