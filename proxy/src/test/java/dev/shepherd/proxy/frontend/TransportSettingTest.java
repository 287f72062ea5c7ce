package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.slf4j.LoggerFactory;

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

    @Test
    void autoSaysWhyItPassesOverIoUringWhereIoUringLoads() throws Exception {
        Logger serverLog = (Logger) LoggerFactory.getLogger(FrontendServer.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        serverLog.addAppender(lines);
        try {
            relayOneByteWith("transport = auto");
        } finally {
            serverLog.detachAppender(lines);
        }
        List<String> said = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith("transport auto picks epoll:")).toList();
        if (Transport.EPOLL.isAvailable() && Transport.IO_URING.isAvailable()) {
            assertThat(said).singleElement().asString().contains("0.0.0.0 would listen on IPv6 as well", "transport = io_uring");
        } else {
            assertThat(said).isEmpty();
        }
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
