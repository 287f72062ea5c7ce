package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.config.TestSettings;
import dev.shepherd.proxy.endpoint.PassiveHealth;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TransportSettingTest {

    @ParameterizedTest
    @MethodSource("dev.shepherd.proxy.frontend.Transport#available")
    void theTransportNamedInTheSettingsCarriesTheTraffic(Transport transport) throws Exception {
        assertThat(relayOneByteWith("transport = " + transport.configName())).isEqualTo(transport);
    }

    @Test
    void autoPicksTheFastestTransportThatLoads() throws Exception {
        assertThat(relayOneByteWith("transport = auto")).isEqualTo(Transport.available().get(0));
        assertThat(Transport.available()).contains(Transport.NIO);
    }

    /** Starts a front server from {@code setting} in front of an echo server, relays one byte; says which transport ran. */
    private static Transport relayOneByteWith(String setting) throws Exception {
        try (TestServer echo = TestServer.echo("echo")) {
            EndpointGroup group = new EndpointGroup();
            group.add(echo.endpoint(), "static").setState(EndpointState.UP);
            FrontendServer server = new FrontendServer(TestSettings.onPortZero(setting, List.of(echo.endpoint())), group,
                    PassiveHealth.IGNORED, new SimpleMeterRegistry());
            try {
                int port = server.start().getPort();
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    client.setSoTimeout(10_000);
                    client.getOutputStream().write('t');
                    assertThat(client.getInputStream().read()).isEqualTo('t');
                }
                return server.transport();
            } finally {
                server.close();
            }
        }
    }
}
