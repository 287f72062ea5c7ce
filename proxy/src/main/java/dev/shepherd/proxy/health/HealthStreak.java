package dev.shepherd.proxy.health;

/**
 * Turns check results into a health verdict, as HAProxy does: {@code rise} passes in a row make an
 * endpoint healthy, {@code fall} failures in a row make a healthy one unhealthy. An endpoint starts
 * as not yet healthy. Not thread-safe: one checker feeds it.
 */
final class HealthStreak {
    private int rise;
    private int fall;
    private boolean healthy;
    private int passes;
    private int failures;

    HealthStreak(int rise, int fall) {
        this.rise = rise;
        this.fall = fall;
    }

    /** Records one result; returns true when the verdict changed. */
    boolean record(boolean passed) {
        if (passed) {
            failures = 0;
            passes++;
            if (!healthy && passes >= rise) {
                healthy = true;
                return true;
            }
        } else {
            passes = 0;
            failures++;
            if (healthy && failures >= fall) {
                healthy = false;
                return true;
            }
        }
        return false;
    }

    /** New thresholds (a config reload); the verdict and the streak so far stay. */
    void limits(int rise, int fall) {
        this.rise = rise;
        this.fall = fall;
    }

    /** Unhealthy now, whatever the streak (passive health's error-limit): {@code rise} passes bring it back. */
    void eject() {
        healthy = false;
        passes = 0;
        failures = 0;
    }

    boolean healthy() {
        return healthy;
    }

    /** Failures in a row, up to now. */
    int failures() {
        return failures;
    }

    /** For status: {@code passing}, or the streak towards the other verdict. */
    String describe(String lastFailure) {
        if (healthy) {
            return failures == 0 ? "passing" : "passing, " + failures + "/" + fall + " failed: " + lastFailure;
        }
        return passes > 0 ? "failing, " + passes + "/" + rise + " passed" : "failing: " + lastFailure;
    }
}
