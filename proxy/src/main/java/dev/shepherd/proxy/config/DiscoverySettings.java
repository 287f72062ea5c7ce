package dev.shepherd.proxy.config;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How {@code dns:NAME:PORT} backends are resolved: again after the records' TTL, kept within
 * [{@code minRefresh}, {@code maxRefresh}].
 *
 * @param nameserver the DNS server to ask, {@code null} for the system's (/etc/resolv.conf)
 */
public record DiscoverySettings(Duration minRefresh, Duration maxRefresh, InetSocketAddress nameserver) {
    public DiscoverySettings {
        requireNonNull(minRefresh, "minRefresh");
        requireNonNull(maxRefresh, "maxRefresh");
    }
}
