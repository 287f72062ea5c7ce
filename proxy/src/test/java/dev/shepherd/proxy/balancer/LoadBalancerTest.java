package dev.shepherd.proxy.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.endpoint.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {
    private final Endpoint a = Endpoint.parse("127.0.0.1:9001");
    private final Endpoint b = Endpoint.parse("127.0.0.1:9002");
    private final Endpoint c = Endpoint.parse("127.0.0.1:9003");

    @Test
    void roundRobinVisitsEveryCandidateInTurn() {
        LoadBalancer balancer = LoadBalancer.roundRobin();
        List<Endpoint> picks = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            picks.add(balancer.select(List.of(a, b, c), e -> 0));
        }
        assertThat(picks).containsExactly(a, b, c, a, b, c, a, b, c);
    }

    @Test
    void leastConnectionsPicksTheCandidateWithFewestOpen() {
        LoadBalancer balancer = LoadBalancer.leastConnections();
        Map<Endpoint, Integer> open = Map.of(a, 5, b, 1, c, 3);
        for (int i = 0; i < 6; i++) {
            assertThat(balancer.select(List.of(a, b, c), open::get)).isEqualTo(b);
        }
    }

    @Test
    void leastConnectionsRotatesAmongTies() {
        LoadBalancer balancer = LoadBalancer.leastConnections();
        Map<Endpoint, Integer> open = Map.of(a, 2, b, 2, c, 7);
        List<Endpoint> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(balancer.select(List.of(a, b, c), open::get));
        }
        assertThat(picks).containsOnly(a, b).contains(a, b);
    }

    @Test
    void everyBalanceTypeBuildsItsBalancer() {
        assertThat(BalanceType.ROUND_ROBIN.newBalancer()).isInstanceOf(RoundRobinBalancer.class);
        assertThat(BalanceType.LEAST_CONNECTIONS.newBalancer()).isInstanceOf(LeastConnectionsBalancer.class);
    }
}
