package dev.shepherd.proxy.config;

import static dev.shepherd.proxy.config.TestSettings.parse;
import static dev.shepherd.proxy.config.TestSettings.sidecar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.typesafe.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** workers: how many, their command line, ports, restart back-off and heartbeat. */
class WorkerSettingsRulesTest {

    private static final String COMMAND = "workers.command = [\"java\", \"-jar\", \"app.jar\"]";

    @Test
    void workerCountAutoIsTheProcessorCountGivenToTheLoader() {
        ShepherdSettings settings = sidecar("workers.count = auto, " + COMMAND);

        assertThat(settings.workers().count()).isEqualTo(2);
    }

    @Test
    void workerCountAutoIsTheDefault() {
        ShepherdSettings settings = parse("shepherd { " + COMMAND + " }");

        assertThat(settings.workers().count()).isEqualTo(2);
        assertThat(settings.workers().command()).containsExactly("java", "-jar", "app.jar");
        assertThat(settings.backends()).isEmpty();
    }

    @Test
    void workerCountTakesAnIntegerAsNumberOrText() {
        assertThat(sidecar("workers.count = 5, " + COMMAND).workers().count()).isEqualTo(5);
        assertThat(sidecar("workers.count = \"3\", " + COMMAND).workers().count()).isEqualTo(3);
    }

    @Test
    void workerCountZeroNeedsNoCommand() {
        ShepherdSettings settings = sidecar("workers.count = 0");

        assertThat(settings.workers().count()).isZero();
        assertThat(settings.workers().command()).isEmpty();
    }

    @Test
    void negativeWorkerCountIsRejected() {
        assertThatThrownBy(() -> sidecar("workers.count = -1"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.count': must be >= 0, got -1");
    }

    @Test
    void workerCountThatIsNeitherAutoNorANumberIsRejected() {
        assertThatThrownBy(() -> sidecar("workers.count = many"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.count': "
                        + "must be \"auto\" or an integer >= 0, got 'many'");
    }

    @Test
    void anEmptyCommandMeansTheDemoWorker() {
        ShepherdSettings settings = sidecar("workers.count = 2, workers.command = []");

        assertThat(settings.workers().count()).isEqualTo(2);
        assertThat(settings.workers().command()).isEmpty();
    }

    @Test
    void aHugeWorkerCountDoesNotOverflowThePortCheck() {
        assertThatThrownBy(() -> sidecar("workers.count = 2147483647, " + COMMAND))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("Invalid value at 'shepherd.workers.first-port'");
    }

    @Test
    void workersWhosePortsWouldPassPort65535AreRejected() {
        assertThatThrownBy(() -> sidecar("workers.count = 3, workers.first-port = 65534, " + COMMAND))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.first-port': "
                        + "leaves no room for 3 workers below port 65535");
    }

    @Test
    void lastWorkerMayListenOnPort65535() {
        ShepherdSettings settings = sidecar("workers.count = 2, workers.first-port = 65534, " + COMMAND);

        assertThat(settings.workers().firstPort()).isEqualTo(65534);
    }

    @Test
    void maxDelayBelowInitialDelayIsRejectedAtTheKeyTheUserSet() {
        assertThatThrownBy(() -> sidecar("workers.restart { max-delay = 50ms }"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageStartingWith("String: ")
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.restart.max-delay': "
                        + "restart.max-delay must be >= restart.initial-delay, got PT0.05S < PT0.1S");
    }

    @Test
    void maxDelayEqualToInitialDelayIsAConstantDelay() {
        RestartSettings restart = sidecar("workers.restart { initial-delay = 2s, max-delay = 2s, multiplier = 1 }")
                .workers().restart();

        assertThat(restart.initialDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(restart.maxDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(restart.multiplier()).isEqualTo(1.0);
    }

    @Test
    void aMultiplierThatIsNotANumberIsRejected() {
        assertThatThrownBy(() -> sidecar("workers.restart.multiplier = fast"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.restart.multiplier': must be a number >= 1.0, got 'fast'");
    }

    @Test
    void aMultiplierBelowOneIsRejected() {
        assertThatThrownBy(() -> sidecar("workers.restart.multiplier = 0.5"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.restart.multiplier': must be a number >= 1.0, got 0.5");
    }

    @Test
    void workerPortsThatIncludeTheListenPortAreRejected() {
        assertThatThrownBy(() -> sidecar("listen.port = 9002, workers.count = 2, workers.first-port = 9001"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.first-port': "
                        + "the workers' ports 9001..9002 include listen.port 9002");
    }

    @Test
    void workerPortsThatIncludeTheAdminPortAreRejected() {
        assertThatThrownBy(() -> sidecar("admin.port = 9001, workers.count = 1"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.admin.port': "
                        + "the workers' ports 9001..9001 include admin.port 9001");
    }

    @Test
    void aReadyTimeoutTooShortToPassTheHealthChecksIsRejected() {
        assertThatThrownBy(() -> sidecar("workers.count = 1, workers.ready-timeout = 1s, "
                + "health-check { rise = 3, fast-interval = 250ms, timeout = 100ms }"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.ready-timeout': workers.ready-timeout must be "
                        + "longer than health-check.rise x (fast-interval + timeout) = 1050 ms, or no worker could pass its checks in time");
    }

    @Test
    void aFastIntervalLongerThanTheIntervalIsRejected() {
        assertThatThrownBy(() -> sidecar("health-check { interval = 3s, fast-interval = 4s }"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.health-check.fast-interval': "
                        + "health-check.fast-interval must be <= health-check.interval (3000 ms), got 4000 ms");
    }

    @Test
    void anIntervalShorterThanTheDefaultTimeoutIsReportedAtTheIntervalTheUserSet() {
        assertThatThrownBy(() -> sidecar("health-check { interval = 1s, fast-interval = 100ms }"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageStartingWith("String: ")
                .hasMessageEndingWith("Invalid value at 'shepherd.health-check.interval': "
                        + "health-check.timeout must be shorter than health-check.interval, got 1000 ms >= 1000 ms");
    }

    @Test
    void maxRestartsBelowOneIsRejected() {
        assertThatThrownBy(() -> sidecar("workers.restart.max-restarts = 0"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.restart.max-restarts': must be >= 1, got 0");
    }

    @Test
    void heartbeatTimeoutEqualToTheIntervalIsRejected() {
        assertThatThrownBy(() -> sidecar("workers.heartbeat { interval = 5s, timeout = 5s }"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.heartbeat.timeout': "
                        + "must be longer than heartbeat.interval (PT5S)");
    }

    @Test
    void heartbeatTimeoutShorterThanTheIntervalIsRejected() {
        assertThatThrownBy(() -> sidecar("workers.heartbeat { interval = 5s, timeout = 1s }"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("Invalid value at 'shepherd.workers.heartbeat.timeout': must be longer");
    }

    @Test
    void heartbeatTimeoutJustAboveTheIntervalIsAccepted() {
        HeartbeatSettings heartbeat = sidecar("workers.heartbeat { interval = 5s, timeout = 5001ms }").workers().heartbeat();

        assertThat(heartbeat.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(heartbeat.timeout()).isEqualTo(Duration.ofMillis(5001));
    }

    @Test
    void workerEnvTakesAnyNameAndReadsScalarsAsStrings() {
        ShepherdSettings settings = sidecar("workers.env { ANY_NAME = \"x\", JAVA_OPTS = \"-Xmx64m\", PORT = 80, DEBUG = true }");

        assertThat(settings.workers().env()).containsOnly(
                entry("ANY_NAME", "x"), entry("JAVA_OPTS", "-Xmx64m"), entry("PORT", "80"), entry("DEBUG", "true"));
    }

    @Test
    void workerEnvValueThatIsAnObjectIsRejected() {
        assertThatThrownBy(() -> sidecar("workers.env { NESTED { a = 1 } }"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.env.NESTED': must be a string, number or boolean, got object");
    }

    @Test
    void workerEnvValueThatIsAListIsRejected() {
        assertThatThrownBy(() -> sidecar("workers.env { PATHS = [a, b] }"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.workers.env.PATHS': must be a string, number or boolean, got list");
    }
}
