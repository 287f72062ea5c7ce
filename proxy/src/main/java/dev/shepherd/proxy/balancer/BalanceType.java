package dev.shepherd.proxy.balancer;

/** The {@code balance} setting: which {@link LoadBalancer} picks endpoints. */
public enum BalanceType {
    ROUND_ROBIN,
    LEAST_CONNECTIONS;

    public LoadBalancer newBalancer() {
        return switch (this) {
            case ROUND_ROBIN -> LoadBalancer.roundRobin();
            case LEAST_CONNECTIONS -> LoadBalancer.leastConnections();
        };
    }
}
