package dev.shepherd.proxy.frontend;

import dev.shepherd.proxy.logging.LogLimiter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs errors of the listening socket, such as "Too many open files", at most once per period,
 * with a count of those it held back. Netty's acceptor has already paused accepting for a second,
 * so a persistent error costs one wake-up a second, not a spinning core.
 */
final class AcceptErrorLogger extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptErrorLogger.class);

    private final LogLimiter limiter;

    AcceptErrorLogger(long period, TimeUnit unit, LongSupplier nanoClock) {
        this.limiter = new LogLimiter(period, unit, nanoClock);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        long held = limiter.tryLog();
        if (held >= 0) {
            log.warn("accept on {} failed: {}; accepting resumes in 1s ({} similar errors not logged)",
                    ctx.channel().localAddress(), cause.toString(), held);
        }
    }

    /** Errors held back since the last line logged. */
    long suppressed() {
        return limiter.suppressed();
    }
}
