package dev.shepherd.proxy.config;

import static dev.shepherd.proxy.config.TestSettings.sidecar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** health-check: type, path, timing and the rise/fall streaks. */
class HealthCheckSettingsRulesTest {

    @Test
    void httpCheckIsReadWithItsPath() {
        HealthCheckSettings check = sidecar("health-check { type = http, path = \"/ready\" }").healthCheck();

        assertThat(check.type()).isEqualTo(HealthCheckSettings.Type.HTTP);
        assertThat(check.path()).isEqualTo("/ready");
    }

    @Test
    void unknownCheckTypeIsRejected() {
        assertThatThrownBy(() -> sidecar("health-check.type = icmp"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.health-check.type': must be one of tcp, http, got 'icmp'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"health", "\"\"", "\" /health\""})
    void pathNotStartingWithSlashIsRejected(String path) {
        assertThatThrownBy(() -> sidecar("health-check.path = " + path))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("Invalid value at 'shepherd.health-check.path': must start with '/', got '");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rise", "fall"})
    void streakBelowOneIsRejected(String key) {
        assertThatThrownBy(() -> sidecar("health-check." + key + " = 0"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.health-check." + key + "': must be >= 1, got 0");
    }

    @Test
    void streaksOfOneAreAccepted() {
        HealthCheckSettings check = sidecar("health-check { rise = 1, fall = 1 }").healthCheck();

        assertThat(check.rise()).isEqualTo(1);
        assertThat(check.fall()).isEqualTo(1);
    }

    @Test
    void timeoutEqualToTheIntervalIsRejected() {
        assertThatThrownBy(() -> sidecar("health-check { interval = 3s, timeout = 3s }"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.health-check.timeout': "
                        + "health-check.timeout must be shorter than health-check.interval, got 3000 ms >= 3000 ms");
    }

    @Test
    void timeoutLongerThanTheIntervalIsRejected() {
        assertThatThrownBy(() -> sidecar("health-check { interval = 1s, fast-interval = 100ms, timeout = 2s }"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("Invalid value at 'shepherd.health-check.timeout': health-check.timeout must be shorter");
    }

    @Test
    void timeoutJustUnderTheIntervalIsAccepted() {
        HealthCheckSettings check = sidecar("health-check { interval = 3s, timeout = 2999ms }").healthCheck();

        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(check.timeout()).isEqualTo(Duration.ofMillis(2999));
    }
}
