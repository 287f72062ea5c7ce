package dev.shepherd.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.shepherd.proxy.balancer.BalanceType;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.frontend.ProxyProtocol;
import dev.shepherd.proxy.frontend.RetryOn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A file that sets every key reads into the records, field by field. */
class FullSettingsFileTest {

    private static final String FULL = """
            shepherd {
              listen { host = "::", port = 8443 }
              balance = least-connections
              connect-timeout = 750ms
              connect-attempts = 4
              retry-on = [connect-failure, empty-response]
              idle-timeout = 15m
              max-connections = 500
              max-connections-per-endpoint = 50
              proxy-protocol = v2
              event-loop-threads = 3
              read-buffer-size = 128KiB
              workers {
                count = 4
                command = ["java", "-jar", "app.jar"]
                first-port = 9100
                env { JAVA_OPTS = "-Xmx256m", MODE = prod }
                ready-timeout = 45s
                drain-timeout = 7s
                stop-timeout = 5s
                kill-timeout = 4s
                unhealthy-restart-after = 20s
                restart {
                  initial-delay = 1s
                  multiplier = 1.5
                  max-delay = 1m
                  min-uptime = 30s
                  max-restarts = 7
                  failed-retry = 10m
                }
                heartbeat { interval = 2s, timeout = 6s }
              }
              backends = ["10.0.0.5:7000", "[fd00::1]:7001"]
              health-check {
                type = http
                path = "/healthz"
                interval = 5s
                timeout = 2s
                fast-interval = 500ms
                rise = 3
                fall = 4
                error-limit = 0
              }
              admin { host = "127.0.0.1", port = 9999, token = "s3cret" }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void everyKeyOfAFullFileReachesItsRecord() throws IOException {
        Path file = dir.resolve("full.conf");
        Files.writeString(file, FULL);

        ShepherdSettings settings = new SettingsLoader(2).load(file);

        assertThat(settings.listen()).isEqualTo(new ListenSpec("::", 8443));
        assertThat(settings.balance()).isEqualTo(BalanceType.LEAST_CONNECTIONS);
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(settings.connectAttempts()).isEqualTo(4);
        assertThat(settings.retryOn()).containsExactlyInAnyOrder(RetryOn.CONNECT_FAILURE, RetryOn.EMPTY_RESPONSE);
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings.maxConnections()).isEqualTo(500);
        assertThat(settings.maxConnectionsPerEndpoint()).isEqualTo(50);
        assertThat(settings.proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(settings.eventLoopThreads()).isEqualTo(3);
        assertThat(settings.readBufferSize()).isEqualTo(128 * 1024);

        WorkerSettings workers = settings.workers();
        assertThat(workers.count()).isEqualTo(4);
        assertThat(workers.command()).containsExactly("java", "-jar", "app.jar");
        assertThat(workers.firstPort()).isEqualTo(9100);
        assertThat(workers.env()).containsOnly(entry("JAVA_OPTS", "-Xmx256m"), entry("MODE", "prod"));
        assertThat(workers.readyTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(workers.drainTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(workers.stopTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(workers.killTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(workers.unhealthyRestartAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(workers.restart()).isEqualTo(new RestartSettings(
                Duration.ofSeconds(1), Duration.ofMinutes(1), 1.5, Duration.ofSeconds(30), 7, Duration.ofMinutes(10)));
        assertThat(workers.heartbeat()).isEqualTo(new HeartbeatSettings(Duration.ofSeconds(2), Duration.ofSeconds(6)));

        assertThat(settings.backends()).containsExactly(
                new Endpoint("10.0.0.5:7000", "10.0.0.5", 7000),
                new Endpoint("[fd00::1]:7001", "fd00::1", 7001));
        assertThat(settings.healthCheck()).isEqualTo(new HealthCheckSettings(
                HealthCheckSettings.Type.HTTP, "/healthz", Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(500), 3, 4, 0));
        assertThat(settings.admin()).isEqualTo(new AdminSettings(new ListenSpec("127.0.0.1", 9999), "s3cret"));
    }

    /** The example files shipped in conf/ at the repository root (the proxy module's parent). */
    @ParameterizedTest
    @ValueSource(strings = {"shepherd.conf", "sidecar.conf"})
    void shippedExampleFilesAreValid(String name) {
        Path file = Path.of("..", "conf", name);

        ShepherdSettings settings = new SettingsLoader(2).load(file);

        assertThat(settings.listen().port()).isEqualTo(8080);
        assertThat(settings.admin().listen()).isEqualTo(new ListenSpec("127.0.0.1", 9900));
    }
}
