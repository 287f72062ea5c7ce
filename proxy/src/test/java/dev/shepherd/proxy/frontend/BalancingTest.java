package dev.shepherd.proxy.frontend;

import static dev.shepherd.proxy.frontend.RunningProxy.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BalancingTest {
    private final List<TestServer> servers = new ArrayList<>();
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void startThreeEndpoints() throws IOException {
        for (String name : List.of("a", "b", "c")) {
            servers.add(TestServer.greeting(name));
        }
    }

    @AfterEach
    void stopEverything() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        for (TestServer server : servers) {
            server.close();
        }
    }

    @Test
    void roundRobinRotatesExactlyOverThreeEndpoints() throws Exception {
        try (RunningProxy proxy = RunningProxy.inFrontOf("balance = round-robin", servers.toArray(TestServer[]::new))) {
            List<String> greetings = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                try (Socket client = proxy.connect()) {
                    greetings.add(greetingOf(client));
                }
            }
            List<String> firstThree = greetings.subList(0, 3);
            assertThat(firstThree).containsExactlyInAnyOrder("a", "b", "c");
            for (int i = 0; i < greetings.size(); i++) {
                assertThat(greetings.get(i)).as("connection %d", i).isEqualTo(firstThree.get(i % 3));
            }
        }
    }

    @Test
    void leastConnectionsSendsNewClientsToTheEndpointsWithFewestOpen() throws Exception {
        try (RunningProxy proxy = RunningProxy.inFrontOf("balance = least-connections", servers.toArray(TestServer[]::new))) {
            Map<String, List<Socket>> byEndpoint = new HashMap<>();
            for (int i = 0; i < 6; i++) {
                Socket client = open(proxy);
                byEndpoint.computeIfAbsent(greetingOf(client), name -> new ArrayList<>()).add(client);
            }
            assertThat(byEndpoint).containsOnlyKeys("a", "b", "c");
            assertThat(byEndpoint.values()).allSatisfy(sockets -> assertThat(sockets).hasSize(2));

            // Leave a with 0 open, b with 1, c with 2.
            for (Socket socket : byEndpoint.get("a")) {
                socket.close();
            }
            byEndpoint.get("b").get(0).close();
            assertThat(eventually(Duration.ofSeconds(5), () -> open(proxy, "a") == 0 && open(proxy, "b") == 1)).isTrue();

            assertThat(greetingOf(open(proxy))).isEqualTo("a");
            List<String> next = List.of(greetingOf(open(proxy)), greetingOf(open(proxy)));
            assertThat(next).containsExactlyInAnyOrder("a", "b");
            assertThat(List.of(open(proxy, "a"), open(proxy, "b"), open(proxy, "c"))).containsExactly(2, 2, 2);
        }
    }

    private int open(RunningProxy proxy, String name) {
        TestServer server = servers.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        return proxy.group.activeConnections(server.endpoint());
    }

    private Socket open(RunningProxy proxy) throws IOException {
        Socket client = proxy.connect();
        clients.add(client);
        return client;
    }

    static String greetingOf(Socket client) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        return reader.readLine();
    }
}
