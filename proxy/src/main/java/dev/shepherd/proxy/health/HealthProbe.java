package dev.shepherd.proxy.health;

import dev.shepherd.proxy.config.HealthCheckSettings;
import dev.shepherd.proxy.endpoint.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * One active check of an endpoint's port, completing within the timeout and blocking no thread:
 * {@code tcp} passes when a connection is accepted; {@code http} when {@code GET path} is answered
 * 2xx.
 */
@FunctionalInterface
interface HealthProbe {
    CompletableFuture<CheckResult> check(Endpoint endpoint, int timeoutMillis);

    static HealthProbe of(HealthCheckSettings settings, Probes probes) {
        return settings.type() == HealthCheckSettings.Type.HTTP ? http(probes, settings.path()) : tcp(probes);
    }

    static HealthProbe tcp(Probes probes) {
        return probes::tcp;
    }

    static HealthProbe http(Probes probes, String path) {
        byte[] request = ("GET " + path + " HTTP/1.0\r\nHost: localhost\r\nUser-Agent: shepherd-health-check\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        return (endpoint, timeoutMillis) -> probes.http(endpoint, request, timeoutMillis);
    }
}
