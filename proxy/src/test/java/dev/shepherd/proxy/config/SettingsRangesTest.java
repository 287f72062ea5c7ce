package dev.shepherd.proxy.config;

import static dev.shepherd.proxy.config.TestSettings.sidecar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import dev.shepherd.proxy.balancer.BalanceType;
import dev.shepherd.proxy.frontend.ProxyProtocol;
import dev.shepherd.proxy.frontend.RetryOn;
import dev.shepherd.proxy.frontend.Transport;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Single values out of their range: ports, durations, counts and the enumerated settings. */
class SettingsRangesTest {

    static Stream<String> portKeys() {
        return Stream.of("listen.port", "admin.port", "workers.first-port");
    }

    static Stream<String> durationKeys() {
        return Stream.of(
                "connect-timeout",
                "idle-timeout",
                "workers.ready-timeout",
                "workers.stop-timeout",
                "workers.drain-timeout",
                "workers.kill-timeout",
                "workers.unhealthy-restart-after",
                "workers.restart.initial-delay",
                "workers.restart.max-delay",
                "workers.restart.min-uptime",
                "workers.heartbeat.interval",
                "workers.heartbeat.timeout",
                "health-check.interval",
                "health-check.timeout",
                "health-check.fast-interval");
    }

    @ParameterizedTest
    @MethodSource("portKeys")
    void portZeroIsRejected(String key) {
        assertThatThrownBy(() -> sidecar(key + " = 0"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd." + key + "': must be in 1..65535, got 0");
    }

    @ParameterizedTest
    @MethodSource("portKeys")
    void portAbove65535IsRejected(String key) {
        assertThatThrownBy(() -> sidecar(key + " = 65536"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd." + key + "': must be in 1..65535, got 65536");
    }

    @Test
    void portsAtBothEndsOfTheRangeAreAccepted() {
        ShepherdSettings low = sidecar("listen.port = 1, admin.port = 65535, workers.first-port = 1");
        ShepherdSettings high = sidecar("listen.port = 65535, admin.port = 1, workers.first-port = 65535");

        assertThat(low.listen().port()).isEqualTo(1);
        assertThat(low.admin().listen().port()).isEqualTo(65535);
        assertThat(low.workers().firstPort()).isEqualTo(1);
        assertThat(high.listen().port()).isEqualTo(65535);
        assertThat(high.admin().listen().port()).isEqualTo(1);
        assertThat(high.workers().firstPort()).isEqualTo(65535);
    }

    @Test
    void adminPortEqualToListenPortIsRejected() {
        assertThatThrownBy(() -> sidecar("listen.port = 7000, admin.port = 7000"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.admin.port': listen.port and admin.port must differ, both are 7000");
    }

    @Test
    void listenPortSetToTheDefaultAdminPortIsReportedAtListenPort() {
        assertThatThrownBy(() -> sidecar("listen.port = 9900"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.listen.port': listen.port and admin.port must differ, both are 9900");
    }

    @Test
    void aConnectTimeoutBelowOneMillisecondIsRejectedSinceNettyWouldReadItAsNoTimeout() {
        assertThatThrownBy(() -> sidecar("connect-timeout = 500us"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.connect-timeout': must be at least 1ms, got '500us'");
        assertThat(sidecar("connect-timeout = 1ms").connectTimeout()).hasMillis(1);
    }

    @Test
    void aFractionWhereAWholeNumberBelongsIsRejected() {
        assertThatThrownBy(() -> sidecar("connect-attempts = 2.5"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.connect-attempts': must be a whole number, got 2.5");
        assertThatThrownBy(() -> sidecar("listen.port = 8080.5"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.listen.port': must be a whole number, got 8080.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"listen.host", "admin.host"})
    void emptyHostIsRejected(String key) {
        assertThatThrownBy(() -> sidecar(key + " = \"\""))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd." + key + "': must not be empty");
    }

    @ParameterizedTest
    @MethodSource("durationKeys")
    void zeroDurationIsRejected(String key) {
        assertThatThrownBy(() -> sidecar(key + " = 0s"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd." + key + "': "
                        + "must be a duration > 0 with a unit, such as 2s, got '0s'");
    }

    @ParameterizedTest
    @MethodSource("durationKeys")
    void negativeDurationIsRejected(String key) {
        assertThatThrownBy(() -> sidecar(key + " = -5s"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd." + key + "': "
                        + "must be a duration > 0 with a unit, such as 2s, got '-5s'");
    }

    @ParameterizedTest
    @MethodSource("durationKeys")
    void durationWithoutANumberIsRejected(String key) {
        assertThatThrownBy(() -> sidecar(key + " = soon"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd." + key + "': No number in duration value 'soon'");
    }

    @ParameterizedTest
    @MethodSource("durationKeys")
    void durationWithoutAUnitIsRejectedRatherThanReadAsMilliseconds(String key) {
        assertThatThrownBy(() -> sidecar(key + " = 30"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd." + key + "': "
                        + "must be a duration > 0 with a unit, such as 2s, got '30'");
    }

    @Test
    void durationWithoutAUnitIsRejectedWhenQuotedToo() {
        assertThatThrownBy(() -> sidecar("idle-timeout = \"3600\""))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.idle-timeout': "
                        + "must be a duration > 0 with a unit, such as 2s, got '3600'");
    }

    @Test
    void durationsAreReadWithTheirUnits() {
        ShepherdSettings settings = sidecar("connect-timeout = 250ms, idle-timeout = 5 minutes, workers.ready-timeout = 1.5s");

        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.workers().readyTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"connect-attempts", "max-connections", "max-connections-per-endpoint"})
    void countBelowOneIsRejected(String key) {
        assertThatThrownBy(() -> sidecar(key + " = 0"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd." + key + "': must be >= 1, got 0");
    }

    @Test
    void countsOfOneAreAccepted() {
        ShepherdSettings settings = sidecar("connect-attempts = 1, max-connections = 1, max-connections-per-endpoint = 1");

        assertThat(settings.connectAttempts()).isEqualTo(1);
        assertThat(settings.maxConnections()).isEqualTo(1);
        assertThat(settings.maxConnectionsPerEndpoint()).isEqualTo(1);
    }

    @Test
    void readBufferSizeIsASizeWithAUnitOrInBytes() {
        assertThat(sidecar("").readBufferSize()).isEqualTo(256 * 1024);
        assertThat(sidecar("read-buffer-size = 64KiB").readBufferSize()).isEqualTo(65536);
        assertThat(sidecar("read-buffer-size = 1M").readBufferSize()).isEqualTo(1 << 20);
        assertThat(sidecar("read-buffer-size = 4096").readBufferSize()).isEqualTo(4096);
    }

    @ParameterizedTest
    @CsvSource({"512, 512", "1GiB, 1073741824", "100KiB, 102400", "1MB, 1000000"})
    void readBufferSizeOutsideItsRangeOrNotAPowerOfTwoIsRejected(String size, long bytes) {
        assertThatThrownBy(() -> sidecar("read-buffer-size = " + size))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.read-buffer-size': must be a power of two in "
                        + "1024..16777216 bytes (such as 64KiB, 256KiB, 1MiB), got " + bytes);
    }

    @Test
    void readBufferSizeThatIsNotASizeIsRejected() {
        assertThatThrownBy(() -> sidecar("read-buffer-size = lots"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.read-buffer-size': must be a size such as 256KiB, got 'lots'");
    }

    @Test
    void eventLoopThreadsAutoIsTheProcessorCount() {
        assertThat(sidecar("event-loop-threads = auto").eventLoopThreads()).isEqualTo(2);
    }

    @Test
    void eventLoopThreadsTakesAPositiveInteger() {
        assertThat(sidecar("event-loop-threads = 7").eventLoopThreads()).isEqualTo(7);
    }

    @Test
    void eventLoopThreadsZeroIsRejected() {
        assertThatThrownBy(() -> sidecar("event-loop-threads = 0"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.event-loop-threads': must be >= 1, got 0");
    }

    @Test
    void eventLoopThreadsThatIsNeitherAutoNorANumberIsRejected() {
        assertThatThrownBy(() -> sidecar("event-loop-threads = lots"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.event-loop-threads': "
                        + "must be \"auto\" or an integer >= 1, got 'lots'");
    }

    @Test
    void bothBalanceTypesAreReadFromKebabCase() {
        assertThat(sidecar("balance = round-robin").balance()).isEqualTo(BalanceType.ROUND_ROBIN);
        assertThat(sidecar("balance = least-connections").balance()).isEqualTo(BalanceType.LEAST_CONNECTIONS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "ROUND_ROBIN", "round_robin", "\"\""})
    void balanceOutsideTheKnownTypesIsRejected(String value) {
        assertThatThrownBy(() -> sidecar("balance = " + value))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("Invalid value at 'shepherd.balance': must be one of round-robin, least-connections, got '");
    }

    @Test
    void everyProxyProtocolSettingIsRead() {
        assertThat(sidecar("proxy-protocol = off").proxyProtocol()).isEqualTo(ProxyProtocol.OFF);
        assertThat(sidecar("proxy-protocol = v1").proxyProtocol()).isEqualTo(ProxyProtocol.V1);
        assertThat(sidecar("proxy-protocol = v2").proxyProtocol()).isEqualTo(ProxyProtocol.V2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v3", "V1", "on", "true"})
    void proxyProtocolOutsideOffV1V2IsRejected(String value) {
        assertThatThrownBy(() -> sidecar("proxy-protocol = " + value))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.proxy-protocol': must be one of off, v1, v2, got '" + value + "'");
    }

    @Test
    void everyTransportSettingIsReadAndAutoLeavesTheChoiceToTheEdge() {
        assertThat(sidecar("transport = auto").transport()).isNull();
        assertThat(sidecar("transport = epoll").transport()).isEqualTo(Transport.EPOLL);
        assertThat(sidecar("transport = io_uring").transport()).isEqualTo(Transport.IO_URING);
        assertThat(sidecar("transport = nio").transport()).isEqualTo(Transport.NIO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"io-uring", "EPOLL", "kqueue", "\"\""})
    void transportOutsideTheKnownOnesIsRejected(String value) {
        assertThatThrownBy(() -> sidecar("transport = " + value))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("Invalid value at 'shepherd.transport': must be one of auto, epoll, io_uring, nio, got '");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "10.0.0.5", "admin.example.com"})
    void anAdminApiOffLoopbackWithoutATokenIsRefused(String host) {
        assertThatThrownBy(() -> sidecar("admin.host = \"" + host + "\""))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("Invalid value at 'shepherd.admin.host': admin.host " + host
                        + " is not a loopback address and admin.token is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "::1", "localhost"})
    void anAdminApiOnLoopbackNeedsNoToken(String host) {
        assertThat(sidecar("admin.host = \"" + host + "\"").admin().listen().host()).isEqualTo(host);
    }

    @Test
    void anAdminApiOffLoopbackWithATokenIsAccepted() {
        assertThat(sidecar("admin { host = \"0.0.0.0\", token = \"s3cret\" }").admin().token()).isEqualTo("s3cret");
    }

    @Test
    void retryOnIsASetOfTheKnownFailuresAndMayBeEmpty() {
        assertThat(sidecar("").retryOn()).containsExactly(RetryOn.CONNECT_FAILURE);
        assertThat(sidecar("retry-on = [empty-response, connect-failure]").retryOn())
                .containsExactlyInAnyOrder(RetryOn.CONNECT_FAILURE, RetryOn.EMPTY_RESPONSE);
        assertThat(sidecar("retry-on = []").retryOn()).isEmpty();
    }

    @Test
    void retryOnWithAnUnknownOrRepeatedFailureIsRejected() {
        assertThatThrownBy(() -> sidecar("retry-on = [connect-failure, timeout]"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.retry-on': each entry must be one of connect-failure, "
                        + "empty-response, got 'timeout'");
        assertThatThrownBy(() -> sidecar("retry-on = [empty-response, empty-response]"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.retry-on': lists 'empty-response' twice");
    }

    @Test
    void errorLimitIsZeroForOffOrAPositiveCount() {
        assertThat(sidecar("health-check.error-limit = 0").healthCheck().errorLimit()).isZero();
        assertThat(sidecar("").healthCheck().errorLimit()).isEqualTo(5);
        assertThatThrownBy(() -> sidecar("health-check.error-limit = -1"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.health-check.error-limit': must be >= 0, got -1");
    }
}
