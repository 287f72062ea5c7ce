package dev.shepherd.proxy.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointLoad;
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
            picks.add(balancer.select(List.of(a, b, c), load(Map.of(a, 0, b, 0, c, 0), Map.of(a, 100, b, 100, c, 100))));
        }
        assertThat(picks).containsExactly(a, b, c, a, b, c, a, b, c);
    }

    @Test
    void leastConnectionsPicksTheCandidateWithFewestOpen() {
        LoadBalancer balancer = LoadBalancer.leastConnections();
        Map<Endpoint, Integer> open = Map.of(a, 5, b, 1, c, 3);
        for (int i = 0; i < 6; i++) {
            assertThat(balancer.select(List.of(a, b, c), load(open, Map.of(a, 100, b, 100, c, 100)))).isEqualTo(b);
        }
    }

    @Test
    void leastConnectionsRotatesAmongTies() {
        LoadBalancer balancer = LoadBalancer.leastConnections();
        Map<Endpoint, Integer> open = Map.of(a, 2, b, 2, c, 7);
        List<Endpoint> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(balancer.select(List.of(a, b, c), load(open, Map.of(a, 100, b, 100, c, 100))));
        }
        assertThat(picks).containsOnly(a, b).contains(a, b);
    }

    @Test
    void weightedRoundRobinGivesEachItsWeightsShareSpreadOut() {
        LoadBalancer balancer = LoadBalancer.roundRobin();
        EndpointLoad load = load(Map.of(a, 0, b, 0, c, 0), Map.of(a, 10, b, 100, c, 100));
        List<Endpoint> picks = new ArrayList<>();
        for (int i = 0; i < 210; i++) {
            picks.add(balancer.select(List.of(a, b, c), load));
        }
        assertThat(picks).filteredOn(a::equals).hasSize(10);
        assertThat(picks).filteredOn(b::equals).hasSize(100);
        assertThat(picks).filteredOn(c::equals).hasSize(100);
        assertThat(picks.subList(0, 21)).as("spread out, not in a burst").filteredOn(a::equals).hasSize(1);
    }

    @Test
    void weightedLeastConnectionsDividesOpenConnectionsByWeight() {
        LoadBalancer balancer = LoadBalancer.leastConnections();
        // a: 1 open at weight 10 (0.1 per unit); b: 5 open at weight 100 (0.05): b has room.
        EndpointLoad load = load(Map.of(a, 1, b, 5), Map.of(a, 10, b, 100));
        for (int i = 0; i < 4; i++) {
            assertThat(balancer.select(List.of(a, b), load)).isEqualTo(b);
        }
        EndpointLoad idle = load(Map.of(a, 0, b, 5), Map.of(a, 10, b, 100));
        assertThat(balancer.select(List.of(a, b), idle)).isEqualTo(a);
    }

    /** The load a balancer reads: open connections and weights; uniform when every weight is the same. */
    private static EndpointLoad load(Map<Endpoint, Integer> open, Map<Endpoint, Integer> weights) {
        return new EndpointLoad() {
            @Override
            public int activeConnections(Endpoint endpoint) {
                return open.get(endpoint);
            }

            @Override
            public int weight(Endpoint endpoint) {
                return weights.get(endpoint);
            }

            @Override
            public boolean uniformWeights() {
                return weights.values().stream().distinct().count() <= 1;
            }
        };
    }

    @Test
    void everyBalanceTypeBuildsItsBalancer() {
        assertThat(BalanceType.ROUND_ROBIN.newBalancer()).isInstanceOf(RoundRobinBalancer.class);
        assertThat(BalanceType.LEAST_CONNECTIONS.newBalancer()).isInstanceOf(LeastConnectionsBalancer.class);
    }
}
