package dev.shepherd.proxy.frontend;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Lets one log line through per period and counts the ones held back, so that an error repeated
 * on every connection costs a line every few seconds, not a line per connection.
 */
final class LogLimiter {
    private final long periodNanos;
    private final LongSupplier nanoClock;
    private long lastLoggedNanos;
    private boolean loggedOnce;
    private long suppressed;

    LogLimiter(long period, TimeUnit unit, LongSupplier nanoClock) {
        this.periodNanos = unit.toNanos(period);
        this.nanoClock = nanoClock;
    }

    /**
     * Whether to log now; if so, returns how many were held back since the last line (>= 0),
     * else -1.
     */
    synchronized long tryLog() {
        long now = nanoClock.getAsLong();
        if (loggedOnce && now - lastLoggedNanos < periodNanos) {
            suppressed++;
            return -1;
        }
        loggedOnce = true;
        lastLoggedNanos = now;
        long held = suppressed;
        suppressed = 0;
        return held;
    }

    /** Lines held back since the last one let through. */
    synchronized long suppressed() {
        return suppressed;
    }
}
