package dev.shepherd.proxy.logging;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Lets up to {@code lines} log lines through per period and counts the ones held back, so that an
 * error repeated on every connection, or a worker that prints in a loop, costs a bounded number of
 * lines, not a line per event. A period starts with the first line let through after the last one
 * ended. Thread-safe.
 */
public final class LogLimiter {
    private final int lines;
    private final long periodNanos;
    private final LongSupplier nanoClock;
    private long periodStartNanos;
    private boolean started;
    private int used;
    private long suppressed;

    /** One line per period. */
    public LogLimiter(long period, TimeUnit unit, LongSupplier nanoClock) {
        this(1, period, unit, nanoClock);
    }

    public LogLimiter(int lines, long period, TimeUnit unit, LongSupplier nanoClock) {
        if (lines < 1) {
            throw new IllegalArgumentException("lines must be >= 1, got " + lines);
        }
        this.lines = lines;
        this.periodNanos = unit.toNanos(period);
        this.nanoClock = nanoClock;
    }

    /**
     * Whether to log now; if so, returns how many were held back since the last line let through
     * (>= 0), else -1.
     */
    public synchronized long tryLog() {
        long now = nanoClock.getAsLong();
        if (!started || now - periodStartNanos >= periodNanos) {
            started = true;
            periodStartNanos = now;
            used = 0;
        }
        if (used >= lines) {
            suppressed++;
            return -1;
        }
        used++;
        long held = suppressed;
        suppressed = 0;
        return held;
    }

    /** Lines held back since the last one let through. */
    public synchronized long suppressed() {
        return suppressed;
    }
}
