package dev.shepherd.proxy.frontend;

import dev.shepherd.proxy.config.ShepherdSettings;
import dev.shepherd.proxy.config.TestSettings;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.FailureReason;
import dev.shepherd.proxy.endpoint.PassiveHealth;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.EndpointState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A {@link FrontendServer} on 127.0.0.1, port 0, in front of the given endpoints, with its meters. */
final class RunningProxy implements AutoCloseable {
    final EndpointGroup group = new EndpointGroup();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final FrontendServer server;
    final int port;
    private final List<Endpoint> endpoints;

    /**
     * @param settings HOCON inside {@code shepherd { }}, e.g. {@code balance = "least-connections"}
     */
    RunningProxy(String settings, List<Endpoint> endpoints) throws InterruptedException {
        this(Transport.best(), settings, endpoints);
    }

    RunningProxy(Transport transport, String settings, List<Endpoint> endpoints) throws InterruptedException {
        this(transport, settings, endpoints, PassiveHealth.IGNORED);
    }

    RunningProxy(Transport transport, String settings, List<Endpoint> endpoints, PassiveHealth passiveHealth)
            throws InterruptedException {
        this.endpoints = List.copyOf(endpoints);
        ShepherdSettings onPortZero = TestSettings.onPortZero(settings, endpoints);
        endpoints.forEach(endpoint -> group.add(endpoint, "static").setState(EndpointState.UP));
        server = new FrontendServer(onPortZero, group, passiveHealth, registry, transport);
        port = server.start().getPort();
    }

    static RunningProxy inFrontOf(String settings, TestServer... servers) throws InterruptedException {
        return inFrontOf(Transport.best(), settings, servers);
    }

    static RunningProxy inFrontOf(Transport transport, String settings, TestServer... servers) throws InterruptedException {
        return new RunningProxy(transport, settings, Arrays.stream(servers).map(TestServer::endpoint).toList());
    }

    /** A config reload that sets {@code settings}, the rest as reference.conf has it. */
    void reload(String settings) {
        server.apply(TestSettings.onPortZero(settings, endpoints));
    }

    Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    double failures(FailureReason reason) {
        return registry.get("shepherd.connect.failures").tag("reason", reason.tag()).counter().count();
    }

    /** Polls {@code condition} every 10 ms until it holds or {@code timeout} passes; says whether it held. */
    static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        server.close();
    }
}
