package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

import dev.shepherd.proxy.balancer.BalanceType;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.frontend.ProxyProtocol;
import dev.shepherd.proxy.frontend.RetryOn;
import dev.shepherd.proxy.frontend.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything under {@code shepherd}, read once at start-up; see reference.conf for each key.
 *
 * @param transport the transport asked for, or {@code null} for {@code auto}
 * @param backends the {@code host:port} entries of {@code backends}
 * @param dnsBackends its {@code dns:NAME:PORT} entries
 */
public record ShepherdSettings(
        ListenSpec listen,
        BalanceType balance,
        Duration connectTimeout,
        int connectAttempts,
        Set<RetryOn> retryOn,
        Duration queueTimeout,
        Duration firstByteTimeout,
        Duration idleTimeout,
        int maxConnections,
        int maxConnectionsPerEndpoint,
        int maxConnectionsPerSource,
        Duration maxConnectionDuration,
        ProxyProtocol proxyProtocol,
        int eventLoopThreads,
        Transport transport,
        int readBufferSize,
        Duration shutdownTimeout,
        WorkerSettings workers,
        List<Endpoint> backends,
        List<DnsBackend> dnsBackends,
        DiscoverySettings discovery,
        HealthCheckSettings healthCheck,
        AdminSettings admin) {
    public ShepherdSettings {
        requireNonNull(listen, "listen");
        requireNonNull(balance, "balance");
        requireNonNull(connectTimeout, "connectTimeout");
        retryOn = Set.copyOf(requireNonNull(retryOn, "retryOn"));
        requireNonNull(queueTimeout, "queueTimeout");
        requireNonNull(firstByteTimeout, "firstByteTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(shutdownTimeout, "shutdownTimeout");
        requireNonNull(maxConnectionDuration, "maxConnectionDuration");
        requireNonNull(proxyProtocol, "proxyProtocol");
        requireNonNull(workers, "workers");
        backends = List.copyOf(requireNonNull(backends, "backends"));
        dnsBackends = List.copyOf(requireNonNull(dnsBackends, "dnsBackends"));
        requireNonNull(discovery, "discovery");
        requireNonNull(healthCheck, "healthCheck");
        requireNonNull(admin, "admin");
    }
}
