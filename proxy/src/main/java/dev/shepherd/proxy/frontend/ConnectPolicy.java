package dev.shepherd.proxy.frontend;

import dev.shepherd.proxy.balancer.BalanceType;
import dev.shepherd.proxy.balancer.LoadBalancer;
import dev.shepherd.proxy.config.ShepherdSettings;

/**
 * How the proxy opens the endpoint side of a pair: the settings that a config reload may change
 * for new connections at once. Immutable; the connector swaps it whole.
 */
record ConnectPolicy(
        BalanceType balance,
        LoadBalancer balancer,
        int connectTimeoutMillis,
        int connectAttempts,
        boolean retryConnectFailures,
        boolean replayEmptyResponses,
        long firstByteTimeoutNanos,
        long queueTimeoutNanos,
        int maxConnectionsPerEndpoint,
        ProxyProtocol proxyProtocol) {

    static ConnectPolicy of(ShepherdSettings settings) {
        return of(settings, settings.balance().newBalancer());
    }

    /** The policy of {@code next}, keeping this one's balancer (and its place in the rotation) when the balance is unchanged. */
    ConnectPolicy with(ShepherdSettings next) {
        return of(next, next.balance() == balance ? balancer : next.balance().newBalancer());
    }

    private static ConnectPolicy of(ShepherdSettings settings, LoadBalancer balancer) {
        return new ConnectPolicy(settings.balance(), balancer,
                (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()),
                settings.connectAttempts(),
                settings.retryOn().contains(RetryOn.CONNECT_FAILURE),
                settings.retryOn().contains(RetryOn.EMPTY_RESPONSE),
                settings.firstByteTimeout().toNanos(),
                settings.queueTimeout().toNanos(),
                settings.maxConnectionsPerEndpoint(),
                settings.proxyProtocol());
    }
}
