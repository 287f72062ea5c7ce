package dev.shepherd.proxy.frontend;

import static dev.shepherd.proxy.frontend.LimitsTest.assertEchoes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A config reload's limits and timeouts hold for new connections at once, without a new listener. */
class ReloadedLimitsTest {

    @Test
    void aHigherMaxConnectionsAdmitsTheWaitingClientAtOnce() throws Exception {
        try (TestServer server = TestServer.echo("echo");
                RunningProxy proxy = RunningProxy.inFrontOf("max-connections = 1", server);
                Socket first = proxy.connect();
                Socket second = proxy.connect()) {
            assertEchoes(first, 'a');
            second.getOutputStream().write('b');
            second.setSoTimeout(300);
            assertThatThrownBy(() -> second.getInputStream().read()).as("over max-connections: it waits")
                    .isInstanceOf(SocketTimeoutException.class);

            proxy.reload("max-connections = 2");

            second.setSoTimeout(5_000);
            assertThat(second.getInputStream().read()).as("admitted by the reload, first still open").isEqualTo('b');
            assertEchoes(first, 'c');
        }
    }

    @Test
    void aPerSourceLimitSetByAReloadClosesTheNextConnectionOverIt() throws Exception {
        try (TestServer server = TestServer.echo("echo");
                RunningProxy proxy = RunningProxy.inFrontOf("", server);
                Socket before = proxy.connect()) {
            assertEchoes(before, 'a');

            proxy.reload("max-connections-per-source = 1");

            try (Socket first = proxy.connect(); Socket over = proxy.connect()) {
                assertEchoes(first, 'b');
                assertThat(over.getInputStream().read()).as("a second from the same source after the reload").isEqualTo(-1);
            }
            assertThat(proxy.registry.get("shepherd.connections.limited").tag("limit", "per_source").counter().count())
                    .isEqualTo(1);
            assertEchoes(before, 'c');
        }
    }

    @Test
    void aShorterIdleTimeoutHoldsForConnectionsOpenedAfterTheReload() throws Exception {
        try (TestServer server = TestServer.echo("echo");
                RunningProxy proxy = RunningProxy.inFrontOf("idle-timeout = 1h", server);
                Socket before = proxy.connect()) {
            assertEchoes(before, 'a');

            proxy.reload("idle-timeout = 200ms");

            try (Socket after = proxy.connect()) {
                assertEchoes(after, 'b');
                long start = System.nanoTime();
                assertThat(after.getInputStream().read()).as("closed when idle").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
            assertEchoes(before, 'c');
        }
    }
}
