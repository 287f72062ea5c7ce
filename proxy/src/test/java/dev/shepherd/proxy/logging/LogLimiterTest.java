package dev.shepherd.proxy.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void upToItsLinesPassInAPeriodAndTheNextLineAfterItCountsTheOnesHeldBack() {
        LogLimiter limiter = new LogLimiter(3, 1, TimeUnit.SECONDS, now::get);
        assertThat(limiter.tryLog()).isZero();
        assertThat(limiter.tryLog()).isZero();
        assertThat(limiter.tryLog()).isZero();
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.tryLog()).isEqualTo(-1);
        }
        assertThat(limiter.suppressed()).isEqualTo(1000);

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        assertThat(limiter.tryLog()).isEqualTo(-1);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(limiter.tryLog()).isEqualTo(1001);
        assertThat(limiter.tryLog()).isZero();
    }

    @Test
    void oneLinePerPeriodByDefault() {
        LogLimiter limiter = new LogLimiter(10, TimeUnit.SECONDS, now::get);
        assertThat(limiter.tryLog()).isZero();
        assertThat(limiter.tryLog()).isEqualTo(-1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertThat(limiter.tryLog()).isEqualTo(1);
    }
}
