package dev.shepherd.proxy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AcceptErrorLoggerTest {

    @Test
    void aStormOfAcceptErrorsIsLoggedOncePerPeriodAndConsumed() {
        AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(100));
        AcceptErrorLogger logger = new AcceptErrorLogger(10, TimeUnit.SECONDS, now::get);
        EmbeddedChannel channel = new EmbeddedChannel(logger);

        for (int i = 0; i < 1000; i++) {
            channel.pipeline().fireExceptionCaught(new IOException("Too many open files"));
        }
        assertThat(logger.suppressed()).isEqualTo(999);

        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        channel.pipeline().fireExceptionCaught(new IOException("Too many open files"));
        assertThat(logger.suppressed()).isZero();

        channel.checkException(); // nothing reached the tail of the pipeline
        assertThat(channel.finish()).isFalse();
    }
}
