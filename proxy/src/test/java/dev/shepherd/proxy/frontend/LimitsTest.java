package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                RunningProxy proxy = RunningProxy.inFrontOf("max-connections-per-endpoint = 1", a, b);
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

    private static void assertEchoes(Socket client, char c) throws IOException {
        client.getOutputStream().write(c);
        assertThat(client.getInputStream().read()).isEqualTo(c);
    }
}
