package dev.shepherd.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HealthStreakTest {
    private final HealthStreak streak = new HealthStreak(2, 3);

    @Test
    void anEndpointIsHealthyAfterRisePassesInARow() {
        assertThat(streak.healthy()).isFalse();
        assertThat(streak.record(true)).isFalse();
        assertThat(streak.record(false)).isFalse();
        assertThat(streak.record(true)).isFalse();
        assertThat(streak.record(true)).isTrue();
        assertThat(streak.healthy()).isTrue();
        assertThat(streak.describe("x")).isEqualTo("passing");
    }

    @Test
    void aHealthyEndpointFallsAfterFallFailuresInARowOnly() {
        streak.record(true);
        streak.record(true);
        assertThat(streak.record(false)).isFalse();
        assertThat(streak.record(false)).isFalse();
        assertThat(streak.describe("HTTP 500")).isEqualTo("passing, 2/3 failed: HTTP 500");
        assertThat(streak.record(true)).isFalse();
        assertThat(streak.record(false)).isFalse();
        assertThat(streak.record(false)).isFalse();
        assertThat(streak.record(false)).isTrue();
        assertThat(streak.healthy()).isFalse();
        assertThat(streak.describe("HTTP 500")).isEqualTo("failing: HTTP 500");
        assertThat(streak.record(true)).isFalse();
        assertThat(streak.describe("HTTP 500")).isEqualTo("failing, 1/2 passed");
        assertThat(streak.record(true)).isTrue();
    }
}
