package dev.shepherd.proxy.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shepherd.proxy.config.RestartSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
    private static final Duration QUICK = Duration.ofMillis(10);
    private static final long SECOND = 1_000_000_000L;

    private final RestartPolicy policy = new RestartPolicy(new RestartSettings(
            Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 5, Duration.ofMinutes(1)));

    @Test
    void quickFailuresDoubleTheDelayUpToTheMaximum() {
        assertThat(policy.afterExit(0, QUICK)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.afterExit(1 * SECOND, QUICK)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.afterExit(2 * SECOND, QUICK)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.afterExit(3 * SECOND, QUICK)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.afterExit(4 * SECOND, QUICK)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void moreThanMaxRestartsWithinTheWindowFailTheSlot() {
        for (int i = 0; i < 5; i++) {
            assertThat(policy.afterExit(i * SECOND, QUICK)).isNotNull();
        }
        assertThat(policy.afterExit(5 * SECOND, QUICK)).isNull();
        assertThat(policy.recentRestarts()).isEqualTo(5);
    }

    @Test
    void restartsOlderThanTheWindowNoLongerCount() {
        for (int i = 0; i < 5; i++) {
            policy.afterExit(i * SECOND, QUICK);
        }
        // The first restart (at 0 s) has left the one-minute window by 60.5 s.
        assertThat(policy.afterExit(60 * SECOND + SECOND / 2, QUICK)).isNotNull();
        assertThat(policy.recentRestarts()).isEqualTo(5);
    }

    @Test
    void aStableRunStartsTheDelayAgainFromTheInitialDelay() {
        policy.afterExit(0, QUICK);
        policy.afterExit(SECOND, QUICK);
        assertThat(policy.afterExit(2 * SECOND, QUICK)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.afterExit(30 * SECOND, Duration.ofSeconds(10))).isEqualTo(Duration.ofMillis(100));
    }
}
