package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shepherd.proxy.endpoint.FailureReason;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void clientsPastMaxConnectionsWaitAndAreServedWhenASlotFrees() throws Exception {
        try (TestServer server = TestServer.echo("echo");
                RunningProxy proxy = RunningProxy.inFrontOf("max-connections = 2", server);
                Socket stays = proxy.connect()) {
            Socket leaves = proxy.connect();
            assertEchoes(leaves, 'a');
            assertEchoes(stays, 'b');

            try (Socket third = proxy.connect()) {
                third.getOutputStream().write('c');
                third.setSoTimeout(500);
                assertThatThrownBy(() -> third.getInputStream().read())
                        .as("the third client waits, neither served nor closed")
                        .isInstanceOf(SocketTimeoutException.class);
                assertEchoes(leaves, 'd');
                assertEchoes(stays, 'e');

                leaves.close();
                third.setSoTimeout(5_000);
                assertThat(third.getInputStream().read()).isEqualTo('c');
                assertEchoes(stays, 'f');
            }
        }
    }

    @Test
    void anEndpointAtItsCapIsPassedOverAndClientsAreClosedWhenAllAre() throws Exception {
        try (TestServer a = TestServer.echo("a");
                TestServer b = TestServer.echo("b");
                RunningProxy proxy = RunningProxy.inFrontOf("max-connections-per-endpoint = 1, queue-timeout = 0s", a, b);
                Socket first = proxy.connect();
                Socket second = proxy.connect()) {
            assertEchoes(first, 'x');
            assertEchoes(second, 'y');
            assertThat(a.accepted()).isEqualTo(1);
            assertThat(b.accepted()).isEqualTo(1);

            try (Socket third = proxy.connect()) {
                assertThat(third.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(proxy.failures(FailureReason.OVER_CAPACITY)).isEqualTo(1);
            assertEchoes(first, 'z');
        }
    }

    @Test
    void aClientThatFindsEveryEndpointAtItsCapWaitsForAConnectionToClose() throws Exception {
        try (TestServer a = TestServer.echo("a");
                RunningProxy proxy = RunningProxy.inFrontOf("max-connections-per-endpoint = 1, queue-timeout = 5s", a)) {
            Socket first = proxy.connect();
            assertEchoes(first, 'x');
            try (Socket waiting = proxy.connect()) {
                waiting.getOutputStream().write('q');
                Thread.sleep(300);
                assertThat(a.accepted()).isEqualTo(1);
                first.close();
                assertThat(waiting.getInputStream().read()).isEqualTo('q');
                assertThat(a.accepted()).isEqualTo(2);
            }
            assertThat(proxy.failures(FailureReason.OVER_CAPACITY)).isZero();
        }
    }

    @Test
    void aPairWithNoTrafficIsClosedAfterTheIdleTimeout() throws Exception {
        try (TestServer server = TestServer.echo("echo");
                RunningProxy proxy = RunningProxy.inFrontOf("idle-timeout = 1s", server);
                Socket busy = proxy.connect();
                Socket idle = proxy.connect()) {
            assertEchoes(idle, 'i');
            long idleSince = System.nanoTime();
            // Traffic every 100 ms keeps the other pair open well past the timeout.
            for (int i = 0; i < 25; i++) {
                assertEchoes(busy, 'b');
                Thread.sleep(100);
            }
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - idleSince)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertEchoes(busy, 'c');
        }
    }

    @Test
    void aSourceAtItsLimitHasItsNextConnectionClosedAndCountedUntilOneOfItsOwnCloses() throws Exception {
        try (TestServer server = TestServer.echo("echo");
                RunningProxy proxy = RunningProxy.inFrontOf("max-connections-per-source = 2", server);
                Socket first = proxy.connect();
                Socket second = proxy.connect()) {
            assertEchoes(first, 'a');
            assertEchoes(second, 'b');
            try (Socket third = proxy.connect()) {
                assertThat(third.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(limited(proxy, "per_source")).isEqualTo(1);
            first.close();
            assertThat(RunningProxy.eventually(Duration.ofSeconds(5), () -> {
                try (Socket again = proxy.connect()) {
                    again.getOutputStream().write('c');
                    return again.getInputStream().read() == 'c';
                } catch (IOException e) {
                    return false;
                }
            })).isTrue();
            assertEchoes(second, 'd');
        }
    }

    @Test
    void aConnectionOpenForMaxConnectionDurationIsClosedHoweverBusyAndCounted() throws Exception {
        try (TestServer server = TestServer.echo("echo");
                RunningProxy proxy = RunningProxy.inFrontOf("max-connection-duration = 500ms", server);
                Socket busy = proxy.connect()) {
            long opened = System.nanoTime();
            boolean closed = false;
            while (!closed && System.nanoTime() - opened < Duration.ofSeconds(5).toNanos()) {
                try {
                    busy.getOutputStream().write('x');
                    closed = busy.getInputStream().read() == -1;
                } catch (IOException reset) {
                    closed = true;
                }
                Thread.sleep(20);
            }
            assertThat(closed).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isBetween(Duration.ofMillis(450), Duration.ofSeconds(3));
            assertThat(limited(proxy, "max_duration")).isEqualTo(1);
        }
    }

    private static double limited(RunningProxy proxy, String limit) {
        return proxy.registry.get("shepherd.connections.limited").tag("limit", limit).counter().count();
    }

    /** Writes {@code c} and reads it back: the pair relays. */
    static void assertEchoes(Socket client, char c) throws IOException {
        client.getOutputStream().write(c);
        assertThat(client.getInputStream().read()).isEqualTo(c);
    }
}
