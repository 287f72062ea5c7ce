package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shepherd.proxy.config.TestSettings;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointState;
import dev.shepherd.proxy.endpoint.PassiveHealth;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The edge listens on exactly the address given: 0.0.0.0 is IPv4 alone, :: both; but for io_uring,
 * whose Netty 4.2.18 server channel takes no address family (the edge says so as it starts listening).
 */
class ListenAddressTest {
    private FrontendServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void theIpv4WildcardListensOnIpv4Alone(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " does not load here");
        try (TestServer echo = TestServer.echo("echo")) {
            int port = start(transport, "0.0.0.0", echo);
            assertRelays(InetAddress.getByName("127.0.0.1"), port);
            assertThatThrownBy(() -> new Socket(InetAddress.getByName("::1"), port).close())
                    .as("no IPv6 listener on 0.0.0.0").isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void onIoUringTheIpv4WildcardListensOnIpv6TooAsTheTransportTellsTheListeningLine() throws Exception {
        assumeTrue(Transport.IO_URING.isAvailable(), "io_uring does not load here");
        assumeTrue(io.netty.channel.unix.Socket.isIPv6Preferred(), "Netty opens IPv4 sockets here: 0.0.0.0 is IPv4 alone");
        try (TestServer echo = TestServer.echo("echo")) {
            int port = start(Transport.IO_URING, "0.0.0.0", echo);
            assertRelays(InetAddress.getByName("127.0.0.1"), port);
            assertRelays(InetAddress.getByName("::1"), port);
        }
        assertThat(Transport.IO_URING.widensIpv4Wildcard("0.0.0.0")).isTrue();
        assertThat(Transport.IO_URING.widensIpv4Wildcard("127.0.0.1")).isFalse();
        assertThat(Transport.EPOLL.widensIpv4Wildcard("0.0.0.0")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void theIpv6WildcardListensOnBoth(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " does not load here");
        try (TestServer echo = TestServer.echo("echo")) {
            int port = start(transport, "::", echo);
            assertRelays(InetAddress.getByName("127.0.0.1"), port);
            assertRelays(InetAddress.getByName("::1"), port);
        }
    }

    private int start(Transport transport, String host, TestServer echo) throws InterruptedException {
        EndpointGroup group = new EndpointGroup();
        group.add(echo.endpoint(), "static").setState(EndpointState.UP);
        server = new FrontendServer(TestSettings.onPortZero(host, "", List.of(echo.endpoint())), group, PassiveHealth.IGNORED,
                new SimpleMeterRegistry(), transport);
        return server.start().getPort();
    }

    private void assertRelays(InetAddress address, int port) throws Exception {
        try (Socket client = new Socket(address, port)) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write('x');
            assertThat(client.getInputStream().read()).isEqualTo('x');
        }
    }
}
