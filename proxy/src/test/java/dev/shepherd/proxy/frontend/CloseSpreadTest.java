package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.endpoint.EndpointGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A drain's deadline closes the proxy's open connections to an endpoint one after another, not all at once. */
class CloseSpreadTest {

    @Test
    void theOpenConnectionsOfAnEndpointAreClosedSpreadOverTheWindow() throws Exception {
        try (TestServer server = TestServer.echo("echo");
                RunningProxy proxy = RunningProxy.inFrontOf("", server)) {
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket client = proxy.connect();
                client.getOutputStream().write('x');
                assertThat(client.getInputStream().read()).as("relayed both ways").isEqualTo('x');
                clients.add(client);
            }
            EndpointGroup.Member member = proxy.group.members().get(0);

            long start = System.nanoTime();
            assertThat(member.closeSpread(Duration.ofMillis(600))).isEqualTo(3);
            ExecutorService readers = Executors.newFixedThreadPool(clients.size());
            List<CompletableFuture<Long>> closes = new ArrayList<>();
            for (Socket client : clients) {
                closes.add(CompletableFuture.supplyAsync(() -> {
                    try (InputStream in = client.getInputStream()) {
                        assertThat(in.read()).as("closed by the proxy").isEqualTo(-1);
                        return (System.nanoTime() - start) / 1_000_000;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, readers));
            }
            List<Long> closedAtMillis = new ArrayList<>();
            for (CompletableFuture<Long> close : closes) {
                closedAtMillis.add(close.get(10, TimeUnit.SECONDS));
            }
            readers.shutdown();
            closedAtMillis.sort(null);
            assertThat(closedAtMillis.get(0)).as("the first at once").isLessThan(150);
            assertThat(closedAtMillis.get(2) - closedAtMillis.get(0)).as("the last 400 ms after it").isBetween(300L, 1500L);
            assertThat(RunningProxy.eventually(Duration.ofSeconds(5), () -> member.activeConnections() == 0)).isTrue();
        }
    }
}
