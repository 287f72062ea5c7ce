package dev.shepherd.proxy.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.config.RestartSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
    private static final Duration NEVER_UP = Duration.ZERO;
    private static final Duration SHORT = Duration.ofMillis(500);
    private static final Duration STABLE = Duration.ofSeconds(2);

    private final RestartPolicy policy = new RestartPolicy(new RestartSettings(
            Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, Duration.ofSeconds(1), 5, Duration.ofMinutes(5)));

    @Test
    void crashesInARowDoubleTheDelayUpToTheMaximum() {
        assertThat(policy.afterExit(NEVER_UP)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.afterExit(SHORT)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.afterExit(NEVER_UP)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.afterExit(NEVER_UP)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.afterExit(NEVER_UP)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void maxRestartsCrashesInARowFailTheSlotHoweverLongEachTook() {
        for (int i = 0; i < 5; i++) {
            assertThat(policy.afterExit(NEVER_UP)).isNotNull();
        }
        assertThat(policy.afterExit(NEVER_UP)).isNull();
        assertThat(policy.crashesInRow()).isEqualTo(5);
    }

    @Test
    void anExitAfterAStableRunEndsTheStreakAndIsRespawnedAfterTheInitialDelay() {
        for (int i = 0; i < 4; i++) {
            policy.afterExit(NEVER_UP);
        }
        assertThat(policy.afterExit(STABLE)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.crashesInRow()).isZero();
        assertThat(policy.afterExit(NEVER_UP)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.afterExit(NEVER_UP)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void workersKilledWhileServingNeverFailTheSlotNorSlowItsRespawn() {
        for (int i = 0; i < 100; i++) {
            assertThat(policy.afterExit(STABLE)).isEqualTo(Duration.ofMillis(100));
        }
    }

    @Test
    void aResetGivesAFailedSlotAFreshBudget() {
        for (int i = 0; i < 5; i++) {
            policy.afterExit(NEVER_UP);
        }
        assertThat(policy.afterExit(NEVER_UP)).isNull();
        policy.reset();
        assertThat(policy.afterExit(NEVER_UP)).isEqualTo(Duration.ofMillis(100));
    }
}
